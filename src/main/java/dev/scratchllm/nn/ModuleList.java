package dev.scratchllm.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code nn.ModuleList([...])}: holds modules under the keys {@code "0"}, {@code "1"}, … without
 * defining a forward pass (the owner decides how to call them).
 */
public class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    @SafeVarargs
    public ModuleList(M... modules) {
        for (M m : modules) add(m);
    }

    public ModuleList(List<? extends M> modules) {
        for (M m : modules) add(m);
    }

    /** Appends a module. */
    public void add(M m) {
        registerModule(String.valueOf(items.size()), m);
        items.add(m);
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return items.iterator();
    }
}
