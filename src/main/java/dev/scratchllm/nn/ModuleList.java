package dev.scratchllm.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * {@code nn.ModuleList([...])}: holds modules under the keys {@code "0"}, {@code "1"}, … without
 * defining a forward pass (the owner decides how to call them). An element can be replaced with
 * {@link #setModule} by a module of the same class or a subclass.
 *
 * @param <M> the type of the modules held
 */
public class ModuleList<M extends Module> extends Module implements Iterable<M> {
    /**
     * A list of the given modules, in order.
     *
     * @param modules the modules
     */
    @SafeVarargs
    public ModuleList(M... modules) {
        for (M m : modules) add(m);
    }

    /**
     * A list of the given modules, in order.
     *
     * @param modules the modules
     */
    public ModuleList(List<? extends M> modules) {
        for (M m : modules) add(m);
    }

    /**
     * Appends a module.
     *
     * @param m the module to append under the next index
     */
    public void add(M m) {
        registerModule(String.valueOf(size()), m);
    }

    /**
     * The module at index {@code i}.
     *
     * @param i the index, from 0
     * @return the module now at that index
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    @SuppressWarnings("unchecked")
    public M get(int i) {
        if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("ModuleList: index " + i + " is out of range for " + size() + " modules");
        return (M) child(String.valueOf(i), Module.class);
    }

    /**
     * The number of modules.
     *
     * @return the number of modules
     */
    public int size() {
        return childModules().size();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Iterator<M> iterator() {
        List<M> items = new ArrayList<>();
        for (Module m : childModules()) items.add((M) m);
        return items.iterator();
    }
}
