package dev.scratchllm.tensor;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code toString()} as PyTorch prints ({@code torch/_tensor_str.py}, default print options:
 * precision 4, threshold 1000, edge items 3, line width 80): fixed or scientific notation
 * chosen from the values, integer-valued floats as {@code 1.}, column-aligned elements,
 * {@code ...} summaries for large tensors, and the {@code requires_grad=True} /
 * {@code grad_fn=<…>} suffixes. Numbers are rounded half-to-even from their exact binary value,
 * as Python's format does.
 */
final class TensorFormat {
    static final int PRECISION = 4, THRESHOLD = 1000, EDGE = 3, LINEWIDTH = 80;

    private TensorFormat() {
    }

    /** Formats single elements with a common width, like PyTorch's {@code _Formatter}. */
    private static final class Formatter {
        final DType dtype;
        boolean intMode = true, sciMode = false;
        int width = 1;

        Formatter(DType dtype, double[] values) {
            this.dtype = dtype;
            if (dtype == DType.INT64) {
                for (double v : values) width = Math.max(width, Long.toString((long) v).length());
                return;
            }
            if (dtype == DType.BOOL) {
                for (double v : values) width = Math.max(width, v != 0 ? 4 : 5);
                return;
            }
            List<Double> finite = new ArrayList<>();
            for (double v : values) if (!Double.isInfinite(v) && !Double.isNaN(v)) finite.add(v);
            if (finite.isEmpty()) { // only inf/nan (or empty)
                for (double v : values) width = Math.max(width, fmtSpecial(v).length());
                return;
            }
            for (double v : finite) if (Math.ceil(v) != v) { intMode = false; break; }
            double nzMax = 0, nzMin = Double.MAX_VALUE;
            boolean anyNz = false;
            for (double v : finite) {
                double a = Math.abs(v);
                if (a != 0) {
                    anyNz = true;
                    nzMax = Math.max(nzMax, a);
                    nzMin = Math.min(nzMin, a);
                }
            }
            if (intMode) {
                if (anyNz && (nzMax / nzMin > 1000.0 || nzMax > 1.0e8)) sciMode = true;
            } else if (anyNz && (nzMax / nzMin > 1000.0 || nzMax > 1.0e8 || nzMin < 1.0e-4)) {
                sciMode = true;
            }
            width = 1;
            for (double v : values) width = Math.max(width, raw(v).length());
        }

        String raw(double v) {
            if (dtype == DType.INT64) return Long.toString((long) v);
            if (dtype == DType.BOOL) return v != 0 ? "True" : "False";
            if (Double.isInfinite(v) || Double.isNaN(v)) return fmtSpecial(v);
            if (sciMode) return sci(v, PRECISION);
            if (intMode) return fixed(v, 0) + ".";
            return fixed(v, PRECISION);
        }

        String format(double v) {
            String s = raw(v);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }
    }

    static String fmtSpecial(double v) {
        return Double.isNaN(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    }

    /** Python's {@code f"{v:.{p}f}"}. */
    static String fixed(double v, int p) {
        String s = new BigDecimal(v).setScale(p, RoundingMode.HALF_EVEN).toPlainString();
        if (v == 0 && 1 / v < 0 || (v < 0 && !s.startsWith("-"))) s = "-" + s; // keep the sign of -0.0 and of tiny negatives
        return s;
    }

    /** Python's {@code f"{v:.{p}e}"}: {@code 1.2346e+00}. */
    static String sci(double v, int p) {
        if (v == 0) return (1 / v < 0 ? "-" : "") + "0." + "0".repeat(p) + "e+00";
        BigDecimal bd = new BigDecimal(v).round(new MathContext(p + 1, RoundingMode.HALF_EVEN));
        int exp = bd.precision() - bd.scale() - 1;
        BigDecimal mant = bd.movePointLeft(exp).setScale(p, RoundingMode.HALF_EVEN);
        String es = String.format("%s%02d", exp < 0 ? "-" : "+", Math.abs(exp));
        return mant.toPlainString() + "e" + es;
    }

    static String format(Tensor t) {
        String prefix = "tensor(";
        int indent = prefix.length();
        List<String> suffixes = new ArrayList<>();
        String body;
        if (t.numel() == 0) {
            body = "[]";
            if (!(t.dim() == 1 && t.shape[0] == 0)) suffixes.add("size=(" + joinShape(t.shape) + ")");
        } else {
            boolean summarize = t.numel() > THRESHOLD;
            Formatter f = new Formatter(t.dtype, summarize ? summarized(t) : values(t));
            body = str(t, indent, summarize, f);
        }
        if (t.gradFn() != null) suffixes.add("grad_fn=<" + t.gradFn().name() + ">");
        else if (t.requiresGrad()) suffixes.add("requires_grad=True");
        // PyTorch's _add_suffixes: each suffix goes on a new line when it would pass the line width
        String head = prefix + body;
        StringBuilder sb = new StringBuilder(head);
        int lastLine = head.length() - head.lastIndexOf('\n') + 1;
        for (String suffix : suffixes) {
            if (lastLine + suffix.length() + 2 > LINEWIDTH) {
                sb.append(",\n").append(" ".repeat(indent)).append(suffix);
                lastLine = indent + suffix.length();
            } else {
                sb.append(", ").append(suffix);
                lastLine += suffix.length() + 2;
            }
        }
        return sb.append(')').toString();
    }

    private static String joinShape(int[] s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(s[i]);
        }
        if (s.length == 1) sb.append(',');
        return sb.toString();
    }

    private static double[] values(Tensor t) {
        if (t.dtype == DType.INT64) {
            long[] l = t.toLongArray();
            double[] d = new double[l.length];
            for (int i = 0; i < l.length; i++) d[i] = l[i];
            return d;
        }
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** The values that a summarised print shows (edge items of every dim). */
    private static double[] summarized(Tensor t) {
        List<Double> out = new ArrayList<>();
        collectSummarized(t.detach(), out);
        double[] d = new double[out.size()];
        for (int i = 0; i < d.length; i++) d[i] = out.get(i);
        return d;
    }

    private static void collectSummarized(Tensor t, List<Double> out) {
        if (t.dim() == 0) {
            out.add(t.getDouble());
            return;
        }
        int n = t.shape[0];
        if (n > 2 * EDGE) {
            for (int i = 0; i < EDGE; i++) collectSummarized(t.select(0, i), out);
            for (int i = n - EDGE; i < n; i++) collectSummarized(t.select(0, i), out);
        } else {
            for (int i = 0; i < n; i++) collectSummarized(t.select(0, i), out);
        }
    }

    private static String str(Tensor t, int indent, boolean summarize, Formatter f) {
        if (t.dim() == 0) return f.format(t.getDouble());
        Tensor d = t.detach();
        if (t.dim() == 1) {
            int n = d.shape[0];
            List<String> items = new ArrayList<>();
            if (summarize && n > 2 * EDGE) {
                for (int i = 0; i < EDGE; i++) items.add(f.format(d.getDouble(i)));
                items.add(" ...");
                for (int i = n - EDGE; i < n; i++) items.add(f.format(d.getDouble(i)));
            } else {
                for (int i = 0; i < n; i++) items.add(f.format(d.getDouble(i)));
            }
            int elementSize = f.width + 2;
            int perLine = Math.max(1, (int) Math.floor((LINEWIDTH - indent) / (double) elementSize));
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < items.size(); i += perLine)
                lines.add(String.join(", ", items.subList(i, Math.min(items.size(), i + perLine))));
            return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
        }
        int n = d.shape[0];
        List<String> slices = new ArrayList<>();
        if (summarize && n > 2 * EDGE) {
            for (int i = 0; i < EDGE; i++) slices.add(str(d.select(0, i), indent + 1, summarize, f));
            slices.add("...");
            for (int i = n - EDGE; i < n; i++) slices.add(str(d.select(0, i), indent + 1, summarize, f));
        } else {
            for (int i = 0; i < n; i++) slices.add(str(d.select(0, i), indent + 1, summarize, f));
        }
        String sep = "," + "\n".repeat(t.dim() - 1) + " ".repeat(indent + 1);
        return "[" + String.join(sep, slices) + "]";
    }
}
