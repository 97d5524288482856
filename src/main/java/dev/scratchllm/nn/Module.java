package dev.scratchllm.nn;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.tensor.Shape;
import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The base of every layer and model, like {@code torch.nn.Module}: named parameters, buffers
 * and child modules in registration order; {@link #parameters()}, {@link #namedParameters()},
 * {@link #stateDict()} and {@link #loadStateDict(Map)} with PyTorch's dotted keys
 * ({@code trf_blocks.0.att.W_query.weight}); {@link #train()}/{@link #eval()}; freezing by
 * {@code requiresGrad(false)} on a parameter. Subclasses register their parts in the
 * constructor, in the same order as the book's PyTorch class, so seeded initialisation and
 * key order match. It does not do hooks, devices or dtype casts.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Class<?>> childSlots = new LinkedHashMap<>(); // what setModule may put there
    private boolean training = true;

    /** Applies the module to one input. Modules with other signatures add their own {@code forward}. */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take a single tensor input");
    }

    // ---------------------------------------------------------------- registration

    /** Registers a parameter (it will require grad) and returns it. */
    protected Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        if (value != null && !value.isLeaf())
            throw new IllegalArgumentException("registerParameter: parameter '" + name + "' must be a leaf tensor (use detach())");
        params.put(name, value == null ? null : value.requiresGrad(true));
        return value;
    }

    /** Registers a buffer (state that is saved but not trained, such as the causal mask). */
    protected Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /**
     * Registers a child module under {@code name} and returns it. {@link #setModule} may later
     * put another module of the same class (or a subclass) in its place.
     */
    protected <M extends Module> M registerModule(String name, M module) {
        return registerModule(name, module, module.getClass());
    }

    /**
     * Registers a child module under {@code name} whose place {@link #setModule} may fill with
     * any instance of {@code slotType} (containers such as {@link Sequential} pass
     * {@code Module.class}).
     */
    protected <M extends Module> M registerModule(String name, M module, Class<?> slotType) {
        checkName(name);
        if (module == null) throw new IllegalArgumentException("registerModule: module '" + name + "' is null");
        if (!slotType.isInstance(module))
            throw new IllegalArgumentException("registerModule: module '" + name + "' is a " + module.getClass().getSimpleName()
                    + ", not a " + slotType.getSimpleName());
        children.put(name, module);
        childSlots.put(name, slotType);
        return module;
    }

    /**
     * The child registered under {@code name}, as a {@code type}. Modules read their children
     * through this (not through fields), so that {@link #setModule} takes effect in
     * {@code forward}.
     */
    protected final <M extends Module> M child(String name, Class<M> type) {
        Module m = children.get(name);
        if (m == null) throw new IllegalStateException(getClass().getSimpleName() + " has no child module '" + name + "'");
        return type.cast(m);
    }

    /**
     * Replaces the child module {@code name} by {@code module}, keeping its place in the order:
     * PyTorch's {@code setattr(parent, name, module)}, as in chapter 6's
     * {@code model.out_head = torch.nn.Linear(768, 2)} ({@code model.setModule("out_head", new Linear(768, 2))})
     * and appendix E's {@code replace_linear_with_lora}. The new module must be of the kind the
     * owner expects there (a {@link Linear}, or a subclass such as a LoRA-wrapped linear layer,
     * where a {@code Linear} was). Returns the module that was there.
     *
     * @throws IllegalArgumentException if there is no such child or the module does not fit
     */
    public Module setModule(String name, Module module) {
        Module old = children.get(name);
        if (old == null)
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no child module '" + name + "' (children: " + children.keySet() + ")");
        if (module == null) throw new IllegalArgumentException("setModule: the new module for '" + name + "' is null");
        Class<?> slot = childSlots.get(name);
        if (!slot.isInstance(module))
            throw new IllegalArgumentException("setModule: " + getClass().getSimpleName() + "." + name + " must be a " + slot.getSimpleName()
                    + ", got a " + module.getClass().getSimpleName());
        children.put(name, module);
        return old;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException("module attribute name must be non-empty and contain no '.', got '" + name + "'");
    }

    /**
     * Replaces a registered parameter by another tensor, keeping its place in the order (weight
     * tying, as when GPT-2's output head shares the token embedding).
     */
    public void setParameter(String name, Tensor value) {
        if (!params.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        params.put(name, value.requiresGrad(true));
    }

    /** The parameter registered under {@code name} on this module (not a child's). */
    public Tensor parameter(String name) {
        return params.get(name);
    }

    /** The buffer registered under {@code name} on this module. */
    public Tensor buffer(String name) {
        return buffers.get(name);
    }

    /** Direct children in registration order. */
    public Map<String, Module> children() {
        return new LinkedHashMap<>(children);
    }

    /** The direct children in registration order, as a read-only live view (for containers' forward passes). */
    protected final java.util.Collection<Module> childModules() {
        return java.util.Collections.unmodifiableCollection(children.values());
    }

    /**
     * The module at a dotted path below this one ({@code "trf_blocks.11.att"}; {@code ""} is this
     * module), PyTorch's {@code get_submodule}.
     *
     * @throws IllegalArgumentException if a part of the path names no child
     */
    public Module getSubmodule(String path) {
        if (path == null) throw new IllegalArgumentException("getSubmodule: path is null");
        Module m = this;
        if (path.isEmpty()) return m;
        for (String part : path.split("\\.", -1)) {
            Module next = m.children.get(part);
            if (next == null)
                throw new IllegalArgumentException(m.getClass().getSimpleName() + " has no attribute `" + part + "` (in \"" + path + "\")");
            m = next;
        }
        return m;
    }

    // ---------------------------------------------------------------- traversal

    /** All parameters (frozen ones included), each once, in registration order. */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters that currently require grad (what an optimizer should update). */
    public List<Tensor> trainableParameters() {
        List<Tensor> r = new ArrayList<>();
        for (Tensor t : parameters()) if (t.requiresGrad()) r.add(t);
        return r;
    }

    /** Parameters by dotted name; a tensor shared by two modules (weight tying) appears once, under its first name. */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        collectParams("", out, seen);
        return out;
    }

    private void collectParams(String prefix, Map<String, Tensor> out, Set<Tensor> seen) {
        for (var e : params.entrySet()) if (e.getValue() != null && seen.add(e.getValue())) out.put(prefix + e.getKey(), e.getValue());
        for (var e : children.entrySet()) e.getValue().collectParams(prefix + e.getKey() + ".", out, seen);
    }

    /** All modules below and including this one, by dotted name ("" for this one). */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), this);
        for (var e : children.entrySet()) e.getValue().collectModules(prefix + e.getKey() + ".", out);
    }

    /** Total number of parameter elements ({@code sum(p.numel() for p in model.parameters())}). */
    public long numParameters() {
        long n = 0;
        for (Tensor t : parameters()) n += t.numel();
        return n;
    }

    /** Number of parameter elements that require grad. */
    public long numTrainableParameters() {
        long n = 0;
        for (Tensor t : trainableParameters()) n += t.numel();
        return n;
    }

    /**
     * Sets {@code requiresGrad} on every parameter below this module and returns this: PyTorch's
     * {@code module.requires_grad_(False)}, the book's
     * {@code for param in model.parameters(): param.requires_grad = False} (chapter 6 freezes the
     * model this way, then unfreezes {@code model.trf_blocks[-1]} and {@code model.final_norm}).
     * A tensor shared by two modules (a tied output head) changes for both.
     */
    public Module requiresGrad(boolean requiresGrad) {
        for (Tensor t : parameters()) t.requiresGrad(requiresGrad);
        return this;
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Tensor t : parameters()) t.zeroGrad();
    }

    // ---------------------------------------------------------------- modes

    /** Training mode (dropout active), recursively; returns this. */
    public Module train() {
        return train(true);
    }

    /** Sets training mode recursively; returns this. */
    public Module train(boolean mode) {
        training = mode;
        for (Module m : children.values()) m.train(mode);
        return this;
    }

    /** Evaluation mode (dropout off), recursively; returns this. */
    public Module eval() {
        return train(false);
    }

    /** Whether this module is in training mode. */
    public boolean isTraining() {
        return training;
    }

    // ---------------------------------------------------------------- state dict

    /**
     * Parameters and buffers by PyTorch key, in PyTorch's order (each module's parameters, then
     * its buffers, then its children). The tensors are the live ones, detached: copy them to keep
     * a snapshot.
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectState("", out);
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out) {
        for (var e : params.entrySet()) if (e.getValue() != null) out.put(prefix + e.getKey(), e.getValue().detach());
        for (var e : buffers.entrySet()) if (e.getValue() != null) out.put(prefix + e.getKey(), e.getValue().detach());
        for (var e : children.entrySet()) e.getValue().collectState(prefix + e.getKey() + ".", out);
    }

    /** Loads every key, requiring exactly the model's keys and shapes (PyTorch's strict mode). */
    public void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies values into the model's tensors in place (so optimizers keep their references).
     * Checks everything before writing anything: a missing key (in strict mode), an unexpected
     * key (strict), or a shape mismatch throws {@link IllegalArgumentException} listing them.
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        Set<String> missing = new TreeSet<>(own.keySet());
        missing.removeAll(state.keySet());
        Set<String> unexpected = new TreeSet<>(state.keySet());
        unexpected.removeAll(own.keySet());
        List<String> shapeErrors = new ArrayList<>();
        for (var e : state.entrySet()) {
            Tensor mine = own.get(e.getKey());
            if (mine != null && !Arrays.equals(mine.shape(), e.getValue().shape()))
                shapeErrors.add("size mismatch for " + e.getKey() + ": copying a param with shape " + Shape.str(e.getValue().shape())
                        + ", the shape in current model is " + Shape.str(mine.shape()));
        }
        if (!shapeErrors.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("Error(s) in loading state_dict for " + getClass().getSimpleName() + ":");
            if (strict && !missing.isEmpty()) sb.append("\n\tMissing key(s) in state_dict: ").append(missing);
            if (strict && !unexpected.isEmpty()) sb.append("\n\tUnexpected key(s) in state_dict: ").append(unexpected);
            for (String s : shapeErrors) sb.append("\n\t").append(s);
            throw new IllegalArgumentException(sb.toString());
        }
        try (var g = GradMode.noGrad()) {
            for (var e : state.entrySet()) {
                Tensor mine = own.get(e.getKey());
                if (mine == null) continue;
                Tensor src = e.getValue();
                if (mine.dtype() != src.dtype()) src = switch (mine.dtype()) {
                    case FLOAT32 -> src.toFloat();
                    case INT64 -> src.toLong();
                    case BOOL -> src.toBool();
                };
                mine.copy_(src);
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            for (var e : children.entrySet())
                sb.append("  (").append(e.getKey()).append("): ").append(e.getValue().toString().replace("\n", "\n  ")).append('\n');
        }
        return sb.append(')').toString();
    }

    /** The arguments shown in {@link #toString()}, like PyTorch's {@code extra_repr}. */
    protected String extraRepr() {
        return "";
    }
}
