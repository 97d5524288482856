/*
 * Options: one command's option table — each option's name, aliases, value kind, default, valid
 * range and help line — and the parser over it. One table gives both the checks and the --help text,
 * so what --help promises is what the parser accepts. Every mistake is a UsageException of one
 * line naming the command, the option and what would be valid; -h/--help anywhere (in place of an
 * option) is a HelpRequested carrying the command's help.
 *
 * It does not check files (a path is only a string here) or options against each other; the
 * commands do that after parsing.
 */
package dev.scratchllm.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The parsed options of one command; {@link Spec} declares them. */
final class Options {
    /** {@code --help} or {@code -h} was given: not a run, the command's help is the answer. */
    static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested(String help) {
            super(help, null, false, false);
        }

        /** The command's help text. */
        String help() {
            return getMessage();
        }
    }

    private enum Kind { TEXT, PATH, INT, LONG, NUMBER, FLAG }

    /** A closed, open or half-open interval of finite numbers. */
    record Range(double lo, boolean loOpen, double hi, boolean hiOpen) {
        static Range atLeast(double lo) {
            return new Range(lo, false, Double.POSITIVE_INFINITY, true);
        }

        static Range above(double lo) {
            return new Range(lo, true, Double.POSITIVE_INFINITY, true);
        }

        static Range of(double lo, boolean loOpen, double hi, boolean hiOpen) {
            return new Range(lo, loOpen, hi, hiOpen);
        }

        boolean contains(double v) {
            return Double.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
        }

        String describe(boolean whole) {
            String kind = whole ? "a whole number" : "a finite number";
            if (hi == Double.POSITIVE_INFINITY) return kind + (loOpen ? " > " : " >= ") + fmt(lo);
            if (whole) return kind + " from " + fmt(lo) + " to " + fmt(hi);
            return kind + " in " + (loOpen ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + (hiOpen ? ")" : "]");
        }
    }

    private record Option(String name, String meta, Kind kind, String def, Range range, boolean noneAllowed, String help) {
    }

    /** The option table of one command: declare the options, then {@link #parse} arguments against them. */
    static final class Spec {
        private final String command, synopsis, summary;
        private final Map<String, Option> options = new LinkedHashMap<>();
        private final Map<String, String> aliases = new HashMap<>();

        /**
         * @param command the command's name, named in every message
         * @param synopsis what follows the command's name in the usage line, e.g. {@code [OPTIONS]}
         * @param summary one line on what the command does
         */
        Spec(String command, String synopsis, String summary) {
            this.command = command;
            this.synopsis = synopsis;
            this.summary = summary;
        }

        private Spec add(Option o) {
            if (options.put(o.name(), o) != null) throw new IllegalStateException(command + ": option " + o.name() + " declared twice");
            return this;
        }

        /** A free text value; {@code def} null means none. */
        Spec text(String name, String meta, String def, String help) {
            return add(new Option(name, meta, Kind.TEXT, def, null, false, help));
        }

        /** A file or folder. */
        Spec path(String name, String meta, String def, String help) {
            return add(new Option(name, meta, Kind.PATH, def, null, false, help));
        }

        /** An int in {@code [min, max]}; {@code def} null means none (or a default computed by the command). */
        Spec integer(String name, String meta, Object def, long min, long max, String help) {
            return add(new Option(name, meta, Kind.INT, def == null ? null : def.toString(), Range.of(min, false, max, false), false, help));
        }

        /** {@link #integer}, also accepting the word {@code none} (read as null). */
        Spec integerOrNone(String name, String meta, Object def, long min, long max, String help) {
            return add(new Option(name, meta, Kind.INT, def == null ? null : def.toString(), Range.of(min, false, max, false), true, help));
        }

        /** A long, any value. */
        Spec longValue(String name, String meta, long def, String help) {
            return add(new Option(name, meta, Kind.LONG, Long.toString(def), null, false, help));
        }

        /** A finite double in {@code range}; {@code def} null means a default computed by the command. */
        Spec number(String name, String meta, Double def, Range range, String help) {
            return add(new Option(name, meta, Kind.NUMBER, def == null ? null : fmt(def), range, false, help));
        }

        /** A switch without a value. */
        Spec flag(String name, String help) {
            return add(new Option(name, null, Kind.FLAG, null, null, false, help));
        }

        /** Accepts {@code alias} as another spelling of the declared {@code name}. */
        Spec alias(String alias, String name) {
            if (!options.containsKey(name)) throw new IllegalStateException(command + ": alias " + alias + " of the undeclared option " + name);
            aliases.put(alias, name);
            return this;
        }

        String command() {
            return command;
        }

        /**
         * The options every training command shares, with that command's defaults: {@code --batch},
         * {@code --lr} ({@code lr} null: the command computes it), {@code --weight-decay}, {@code --epochs},
         * {@code --eval-freq}, {@code --eval-iter}, {@code --seed}, {@code --out} and {@code --threads}.
         */
        Spec training(int batch, Double lr, double weightDecay, int epochs, int evalFreq, int evalIter, long seed, String out) {
            return integer("--batch", "N", batch, 1, 1 << 20, "examples per batch")
                    .number("--lr", "X", lr, Range.above(0), "AdamW learning rate")
                    .number("--weight-decay", "X", weightDecay, Range.atLeast(0), "AdamW weight decay")
                    .integer("--epochs", "N", epochs, 1, 1_000_000, "passes over the training data")
                    .integer("--eval-freq", "N", evalFreq, 1, Integer.MAX_VALUE, "evaluate every N steps")
                    .integer("--eval-iter", "N", evalIter, 1, Integer.MAX_VALUE, "batches per evaluation")
                    .longValue("--seed", "N", seed, "random seed")
                    .path("--out", "DIR", out, "folder for the plots and the checkpoint")
                    .integer("--threads", "N", null, 1, 1 << 16, "compute threads (default: the machine's cores; more than the cores is capped with a warning)");
        }


        /** The help text: usage line, summary, one line per option with its default and valid values. */
        String help() {
            StringBuilder b = new StringBuilder();
            b.append("usage: scratchllm ").append(command).append(synopsis.isEmpty() ? "" : " " + synopsis).append('\n').append(summary).append('\n');
            List<String[]> rows = new ArrayList<>();
            for (Option o : options.values()) {
                StringBuilder name = new StringBuilder(o.name());
                for (var a : aliases.entrySet()) if (a.getValue().equals(o.name())) name.append(", ").append(a.getKey());
                if (o.meta() != null) name.append(' ').append(o.meta());
                List<String> notes = new ArrayList<>();
                if (o.def() != null) notes.add("default " + o.def());
                if (o.range() != null) notes.add(o.range().describe(o.kind() == Kind.INT) + (o.noneAllowed() ? ", or none" : ""));
                rows.add(new String[] {name.toString(), o.help() + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")")});
            }
            rows.add(new String[] {"--debug", "print the stack trace of an error (any command)"});
            rows.add(new String[] {"-h, --help", "print this help"});
            int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
            b.append(options.isEmpty() ? "It takes no options.\n" : "options:\n");
            for (String[] r : rows) b.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", r[0], r[1]));
            return b.toString();
        }

        /**
         * Parses {@code --name value} pairs and flags; checks every value now, given or not read.
         *
         * @throws UsageException for an unknown option, a missing, malformed or out-of-range value
         * @throws HelpRequested for {@code -h} or {@code --help}
         */
        Options parse(List<String> args) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < args.size(); i++) {
                String given = args.get(i);
                if (given.equals("-h") || given.equals("--help")) throw new HelpRequested(help());
                Option o = options.get(aliases.getOrDefault(given, given));
                if (o == null)
                    throw new UsageException(command + ": " + (given.startsWith("-") ? "unknown option " + given : "unexpected argument '" + given + "'")
                            + (options.isEmpty() ? " (it takes no options)" : " (scratchllm " + command + " --help lists the options)"));
                if (o.kind() == Kind.FLAG) {
                    values.put(o.name(), "true");
                    continue;
                }
                if (i + 1 >= args.size())
                    throw new UsageException(command + ": option " + given + " needs a value (" + o.meta() + ")");
                String v = args.get(++i);
                if (values.containsKey(o.name())) throw new UsageException(command + ": option " + o.name() + " is given twice");
                check(o, given, v);
                values.put(o.name(), v);
            }
            return new Options(this, values);
        }

        private void check(Option o, String given, String v) {
            switch (o.kind()) {
                case INT, NUMBER -> {
                    if (o.noneAllowed() && v.equals("none")) return;
                    double n;
                    try {
                        n = o.kind() == Kind.INT ? Long.parseLong(v.strip()) : Double.parseDouble(v.strip());
                    } catch (NumberFormatException e) {
                        throw bad(o, given, v);
                    }
                    if (!o.range().contains(n)) throw bad(o, given, v);
                }
                case LONG -> {
                    try {
                        Long.parseLong(v.strip());
                    } catch (NumberFormatException e) {
                        throw new UsageException(command + ": " + given + " must be a whole number, got '" + v + "'");
                    }
                }
                case TEXT, PATH -> {
                    if (v.isBlank() && o.kind() == Kind.PATH) throw new UsageException(command + ": " + given + " needs a non-empty " + o.meta());
                }
                case FLAG -> {
                }
            }
        }

        private UsageException bad(Option o, String given, String v) {
            return new UsageException(command + ": " + given + " must be " + o.range().describe(o.kind() == Kind.INT)
                    + (o.noneAllowed() ? " or none" : "") + ", got '" + v + "'");
        }
    }

    private final Spec spec;
    private final Map<String, String> values;

    private Options(Spec spec, Map<String, String> values) {
        this.spec = spec;
        this.values = values;
    }

    private Option option(String name) {
        Option o = spec.options.get(name);
        if (o == null) throw new IllegalStateException(spec.command + ": option " + name + " is not declared");
        return o;
    }

    private String raw(String name) {
        String v = values.get(name);
        return v != null ? v.strip() : option(name).def();
    }

    /** Whether the command declares the option (shared parsers ask before reading an optional one). */
    boolean declared(String name) {
        return spec.options.containsKey(name);
    }

    /** Whether the option was given on the command line. */
    boolean given(String name) {
        option(name);
        return values.containsKey(name);
    }

    /** The option's text, or its default (possibly null). */
    String text(String name) {
        option(name);
        return values.containsKey(name) ? values.get(name) : option(name).def();
    }

    /** The option as a path, or its default (null when none). */
    Path path(String name) {
        String v = text(name);
        return v == null ? null : Path.of(v);
    }

    /** Whether the flag was given. */
    boolean flag(String name) {
        return given(name);
    }

    /** The option's int, or its declared default; null when neither (or {@code none}). */
    Integer optionalInteger(String name) {
        String v = raw(name);
        return v == null || v.equals("none") ? null : Integer.valueOf(v);
    }

    /** The option's int, or its declared default. */
    int integer(String name) {
        Integer v = optionalInteger(name);
        if (v == null) throw new IllegalStateException(spec.command + ": option " + name + " has no default");
        return v;
    }

    /** The option's int, or {@code def} (a default the command computes). */
    int integer(String name, int def) {
        return given(name) ? integer(name) : def;
    }

    /** The option's long, or its declared default. */
    long longValue(String name) {
        return Long.parseLong(raw(name));
    }

    /** The option's number, or its declared default. */
    double number(String name) {
        return Double.parseDouble(raw(name));
    }

    /** The option's number, or {@code def} (a default the command computes). */
    double number(String name, double def) {
        return given(name) ? number(name) : def;
    }

    /** A default for the help text: {@code 0.0004}, {@code 10}, not {@code 4.0E-4}, {@code 10.0}. */
    static String fmt(double d) {
        return Double.isFinite(d) ? new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString() : Double.toString(d);
    }
}
