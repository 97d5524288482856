package dev.scratchllm.train;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * The book's {@code plot_losses}: training and validation loss against epochs seen, with the
 * tokens seen on a second x axis at the top, written as a PNG with the JDK's own imaging
 * (headless AWT; no dependency). Also used for chapter 6's accuracy plots (any two series).
 * Written atomically. It draws lines, axes, ticks and a legend — not a general plotting library.
 */
public final class LossPlot {
    private static final int W = 900, H = 560, LEFT = 80, RIGHT = 30, TOP = 70, BOTTOM = 70;

    private LossPlot() {
    }

    /**
     * Writes the plot.
     *
     * @param epochsSeen x positions in epochs (same length as the series)
     * @param tokensSeen tokens seen at each point (top axis), or null
     * @param trainLosses the first series ("Training loss")
     * @param valLosses the second series ("Validation loss"), or null
     * @param file the PNG file to write
     * @param yLabel the label of the y axis
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, List<Double> epochsSeen, List<Long> tokensSeen,
                             List<Double> trainLosses, List<Double> valLosses, String yLabel) throws IOException {
        write(file, epochsSeen, tokensSeen, "Tokens seen", trainLosses, valLosses, yLabel);
    }

    /**
     * Chapter 6's {@code plot_values(epochs_seen, examples_seen, train_values, val_values, label)}:
     * like {@link #write(Path, List, List, List, List, String)} with another name for the top
     * axis ({@code "Examples seen"}).
     *
     * @param topAxisLabel the label of the top axis, e.g. {@code "Examples seen"}
     * @param file the PNG file to write
     * @param epochsSeen x positions in epochs (same length as the series)
     * @param tokensSeen the counts shown on the top axis at each point, or null
     * @param trainLosses the first series ("Training loss")
     * @param valLosses the second series ("Validation loss"), or null
     * @param yLabel the label of the y axis
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException if the series are empty or differ in length
     */
    public static void write(Path file, List<Double> epochsSeen, List<Long> tokensSeen, String topAxisLabel,
                             List<Double> trainLosses, List<Double> valLosses, String yLabel) throws IOException {
        if (epochsSeen.isEmpty() || epochsSeen.size() != trainLosses.size() || (valLosses != null && valLosses.size() != trainLosses.size()))
            throw new IllegalArgumentException("LossPlot.write: series lengths differ or are empty (x " + epochsSeen.size() + ", train "
                    + trainLosses.size() + ", val " + (valLosses == null ? "-" : valLosses.size()) + ")");
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            double xMin = min(epochsSeen), xMax = max(epochsSeen);
            if (xMax == xMin) xMax = xMin + 1;
            double yMin = Math.min(min(trainLosses), valLosses == null ? Double.MAX_VALUE : min(valLosses));
            double yMax = Math.max(max(trainLosses), valLosses == null ? -Double.MAX_VALUE : max(valLosses));
            double pad = (yMax - yMin) * 0.05 + 1e-9;
            yMin -= pad;
            yMax += pad;
            int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            FontMetrics fm = g.getFontMetrics();
            // frame and ticks
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, pw, ph);
            double[] yTicks = ticks(yMin, yMax);
            for (double v : yTicks) {
                int y = TOP + (int) Math.round(ph * (1 - (v - yMin) / (yMax - yMin)));
                g.drawLine(LEFT - 5, y, LEFT, y);
                String s = fmt(v, yTicks);
                g.drawString(s, LEFT - 8 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
            }
            double[] xTicks = ticks(xMin, xMax);
            for (double v : xTicks) {
                int x = LEFT + (int) Math.round(pw * (v - xMin) / (xMax - xMin));
                g.drawLine(x, TOP + ph, x, TOP + ph + 5);
                String s = fmt(v, xTicks);
                g.drawString(s, x - fm.stringWidth(s) / 2, TOP + ph + 8 + fm.getAscent());
            }
            if (tokensSeen != null && !tokensSeen.isEmpty()) {
                double tMax = tokensSeen.get(tokensSeen.size() - 1), tMin = tokensSeen.get(0);
                for (double v : ticks(tMin, Math.max(tMax, tMin + 1))) {
                    double frac = (v - tMin) / Math.max(1, tMax - tMin);
                    int x = LEFT + (int) Math.round(pw * frac);
                    g.drawLine(x, TOP, x, TOP - 5);
                    String s = String.format(Locale.ROOT, "%.0f", v);
                    g.drawString(s, x - fm.stringWidth(s) / 2, TOP - 8);
                }
                String t = topAxisLabel;
                g.drawString(t, LEFT + pw / 2 - fm.stringWidth(t) / 2, TOP - 12 - fm.getHeight());
            }
            String xl = "Epochs";
            g.drawString(xl, LEFT + pw / 2 - fm.stringWidth(xl) / 2, H - 18);
            Graphics2D r = (Graphics2D) g.create();
            r.rotate(-Math.PI / 2);
            r.drawString(yLabel, -(TOP + ph / 2 + fm.stringWidth(yLabel) / 2), 22);
            r.dispose();
            // series
            series(g, epochsSeen, trainLosses, new Color(31, 119, 180), false, xMin, xMax, yMin, yMax, pw, ph);
            if (valLosses != null) series(g, epochsSeen, valLosses, new Color(255, 127, 14), true, xMin, xMax, yMin, yMax, pw, ph);
            // legend
            int lx = LEFT + pw - 170, ly = TOP + 15;
            g.setColor(Color.WHITE);
            g.fillRect(lx - 8, ly - 12, 170, valLosses == null ? 26 : 46);
            g.setColor(Color.GRAY);
            g.drawRect(lx - 8, ly - 12, 170, valLosses == null ? 26 : 46);
            legend(g, lx, ly, new Color(31, 119, 180), false, "Training " + yLabel.toLowerCase(Locale.ROOT));
            if (valLosses != null) legend(g, lx, ly + 20, new Color(255, 127, 14), true, "Validation " + yLabel.toLowerCase(Locale.ROOT));
        } finally {
            g.dispose();
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("LossPlot: no PNG writer available");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void series(Graphics2D g, List<Double> xs, List<Double> ys, Color c, boolean dashed,
                               double xMin, double xMax, double yMin, double yMax, int pw, int ph) {
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < xs.size(); i++) {
            double x = LEFT + pw * (xs.get(i) - xMin) / (xMax - xMin);
            double y = TOP + ph * (1 - (ys.get(i) - yMin) / (yMax - yMin));
            if (i == 0) path.moveTo(x, y);
            else path.lineTo(x, y);
        }
        g.setColor(c);
        g.setStroke(stroke(dashed));
        g.draw(path);
        g.setStroke(new BasicStroke(1f));
    }

    private static BasicStroke stroke(boolean dashed) {
        return dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f) : new BasicStroke(2f);
    }

    private static void legend(Graphics2D g, int x, int y, Color c, boolean dashed, String label) {
        g.setColor(c);
        g.setStroke(stroke(dashed));
        g.drawLine(x, y - 4, x + 30, y - 4);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawString(label, x + 38, y);
    }

    /** About five "nice" tick values (1, 2 or 5 times a power of ten) covering [lo, hi]. */
    static double[] ticks(double lo, double hi) {
        double span = hi - lo;
        double raw = span / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3 ? 2 * mag : raw / mag < 7 ? 5 * mag : 10 * mag;
        double start = Math.ceil(lo / step) * step;
        int n = (int) Math.floor((hi - start) / step + 1e-9) + 1;
        double[] t = new double[Math.max(0, n)];
        for (int i = 0; i < t.length; i++) t[i] = start + i * step;
        return t;
    }

    /** A tick label with as many decimals as the tick spacing needs (all labels of an axis alike). */
    private static String fmt(double v, double[] ticks) {
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
        int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static double min(List<Double> l) {
        double m = Double.MAX_VALUE;
        for (double d : l) m = Math.min(m, d);
        return m;
    }

    private static double max(List<Double> l) {
        double m = -Double.MAX_VALUE;
        for (double d : l) m = Math.max(m, d);
        return m;
    }
}
