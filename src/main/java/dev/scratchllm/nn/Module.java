package dev.scratchllm.nn;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.tensor.DType;
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

    /** A module with no parameters, buffers or children yet, in training mode. */
    public Module() {
    }

    /**
     * Applies the module to one input. Modules with other signatures add their own {@code forward}.
     *
     * @param x the input
     * @return the output
     * @throws UnsupportedOperationException if this module does not take a single tensor (the default)
     */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take a single tensor input");
    }

    // ---------------------------------------------------------------- registration

    /**
     * Registers a parameter (it will require grad) and returns it.
     *
     * @param name the attribute name: not empty, no {@code '.'}
     * @param value a leaf tensor, or null for an absent parameter (such as a missing bias)
     * @return {@code value}
     * @throws IllegalArgumentException if the name is invalid or {@code value} is not a leaf
     */
    protected Tensor registerParameter(String name, Tensor value) {
        checkName(name);
        if (value != null && !value.isLeaf())
            throw new IllegalArgumentException("registerParameter: parameter '" + name + "' must be a leaf tensor (use detach())");
        params.put(name, value == null ? null : value.requiresGrad(true));
        return value;
    }

    /**
     * Registers a buffer (state that is saved but not trained, such as the causal mask).
     *
     * @param name the attribute name: not empty, no {@code '.'}
     * @param value the buffer, or null
     * @return {@code value}
     * @throws IllegalArgumentException if the name is invalid
     */
    protected Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /**
     * Registers a child module under {@code name} and returns it. {@link #setModule} may later
     * put another module of the same class (or a subclass) in its place.
     *
     * @param <M> the module's type
     * @param name the attribute name: not empty, no {@code '.'}
     * @param module the child, not null
     * @return {@code module}
     * @throws IllegalArgumentException if the name is invalid or the module is null
     */
    protected <M extends Module> M registerModule(String name, M module) {
        return registerModule(name, module, module.getClass());
    }

    /**
     * Registers a child module under {@code name} whose place {@link #setModule} may fill with
     * any instance of {@code slotType} (containers such as {@link Sequential} pass
     * {@code Module.class}).
     *
     * @param <M> the module's type
     * @param name the attribute name: not empty, no {@code '.'}
     * @param module the child, not null
     * @param slotType the class every module put in this place must be an instance of
     * @return {@code module}
     * @throws IllegalArgumentException if the name is invalid, the module is null or not a {@code slotType}
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
     *
     * @param <M> the expected type
     * @param name the child's attribute name
     * @param type the class to cast the child to
     * @return the child now registered under {@code name}
     * @throws IllegalStateException if there is no such child
     * @throws ClassCastException if the child is not a {@code type}
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
     * @param name the child's attribute name
     * @param module the new child
     * @return the module that was there before
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
     *
     * @param name the name of a parameter registered on this module
     * @param value the new parameter; it is set to require grad
     * @throws IllegalArgumentException if there is no parameter of that name
     */
    public void setParameter(String name, Tensor value) {
        if (!params.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameter '" + name + "'");
        params.put(name, value.requiresGrad(true));
    }

    /**
     * The parameter registered under {@code name} on this module (not a child's).
     *
     * @param name the parameter's attribute name
     * @return the parameter, or null if there is none (or it was registered as null)
     */
    public Tensor parameter(String name) {
        return params.get(name);
    }

    /**
     * The buffer registered under {@code name} on this module.
     *
     * @param name the buffer's attribute name
     * @return the buffer, or null if there is none
     */
    public Tensor buffer(String name) {
        return buffers.get(name);
    }

    /**
     * Direct children in registration order.
     *
     * @return a new map from attribute name to child
     */
    public Map<String, Module> children() {
        return new LinkedHashMap<>(children);
    }

    /**
     * The direct children in registration order, as a read-only live view (for containers' forward passes).
     *
     * @return an unmodifiable view of the children
     */
    protected final java.util.Collection<Module> childModules() {
        return java.util.Collections.unmodifiableCollection(children.values());
    }

    /**
     * The module at a dotted path below this one ({@code "trf_blocks.11.att"}; {@code ""} is this
     * module), PyTorch's {@code get_submodule}.
     *
     * @param path the dotted path, not null
     * @return the module at that path
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

    /**
     * All parameters (frozen ones included), each once, in registration order.
     *
     * @return a new list of the parameters
     */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * Parameters that currently require grad (what an optimizer should update).
     *
     * @return a new list of the trainable parameters, in registration order
     */
    public List<Tensor> trainableParameters() {
        List<Tensor> r = new ArrayList<>();
        for (Tensor t : parameters()) if (t.requiresGrad()) r.add(t);
        return r;
    }

    /**
     * Parameters by dotted name; a tensor shared by two modules (weight tying) appears once, under its first
     * name.
     *
     * @return a new map from dotted name to parameter, in registration order
     */
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

    /**
     * All modules below and including this one, by dotted name ("" for this one).
     *
     * @return a new map from dotted name to module, this module first, then depth first
     */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), this);
        for (var e : children.entrySet()) e.getValue().collectModules(prefix + e.getKey() + ".", out);
    }

    /**
     * Total number of parameter elements ({@code sum(p.numel() for p in model.parameters())}).
     *
     * @return the number of elements over all parameters
     */
    public long numParameters() {
        long n = 0;
        for (Tensor t : parameters()) n += t.numel();
        return n;
    }

    /**
     * Number of parameter elements that require grad.
     *
     * @return the number of elements over the trainable parameters
     */
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
     *
     * @param requiresGrad whether the parameters should require grad
     * @return this module
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

    /**
     * Training mode (dropout active), recursively; returns this.
     *
     * @return this module
     */
    public Module train() {
        return train(true);
    }

    /**
     * Sets training mode recursively; returns this.
     *
     * @param mode true for training mode, false for evaluation mode
     * @return this module
     */
    public Module train(boolean mode) {
        training = mode;
        for (Module m : children.values()) m.train(mode);
        return this;
    }

    /**
     * Evaluation mode (dropout off), recursively; returns this.
     *
     * @return this module
     */
    public Module eval() {
        return train(false);
    }

    /**
     * Whether this module is in training mode.
     *
     * @return true in training mode, false in evaluation mode
     */
    public boolean isTraining() {
        return training;
    }

    // ---------------------------------------------------------------- state dict

    /**
     * Parameters and buffers by PyTorch key, in PyTorch's order (each module's parameters, then
     * its buffers, then its children). The tensors are the live ones, detached: copy them to keep
     * a snapshot.
     *
     * @return a new map from key to detached tensor sharing storage with the model
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

    /**
     * Loads every key, requiring exactly the model's keys and shapes (PyTorch's strict mode).
     *
     * @param state the tensors by PyTorch key
     * @throws IllegalArgumentException if a key is missing or unexpected, or a shape differs
     */
    public void loadStateDict(Map<String, Tensor> state) {
        loadStateDict(state, true);
    }

    /**
     * Copies values into the model's tensors in place (so optimizers keep their references).
     * Checks everything before writing anything: a missing key (in strict mode), an unexpected
     * key (strict), a shape mismatch, or a dtype that would change what the values mean
     * (integers into a float tensor, floats into an integer or bool one; PyTorch would cast them)
     * throws {@link IllegalArgumentException} listing them.
     *
     * @param state the tensors by PyTorch key; bool and int64 masks are converted to the model's dtype
     * @param strict whether missing and unexpected keys are errors (shape mismatches always are)
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict) {
        checkStateDict(state, strict);
        Map<String, Tensor> own = stateDict();
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

    /**
     * The checks of {@link #loadStateDict(Map, boolean)} without loading anything, for callers that must
     * validate several files before they change any state (checkpoints).
     *
     * @param state the tensors by PyTorch key
     * @param strict whether missing and unexpected keys are errors (shape mismatches always are)
     * @throws IllegalArgumentException listing every missing, unexpected or mis-shaped key, in PyTorch's words
     */
    public void checkStateDict(Map<String, Tensor> state, boolean strict) {
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
            // PyTorch's copy_ would cast; a float weight held as integers (or the reverse) is a wrong file, not a cast
            if (mine != null && reinterprets(e.getValue().dtype(), mine.dtype()))
                shapeErrors.add("dtype mismatch for " + e.getKey() + ": copying a tensor of dtype " + e.getValue().dtype().name().toLowerCase(java.util.Locale.ROOT)
                        + ", the dtype in current model is " + mine.dtype().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!shapeErrors.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("Error(s) in loading state_dict for " + getClass().getSimpleName() + ":");
            if (strict && !missing.isEmpty()) sb.append("\n\tMissing key(s) in state_dict: ").append(missing);
            if (strict && !unexpected.isEmpty()) sb.append("\n\tUnexpected key(s) in state_dict: ").append(unexpected);
            for (String s : shapeErrors) sb.append("\n\t").append(s);
            throw new IllegalArgumentException(sb.toString());
        }
    }

    /**
     * Whether loading a {@code from} tensor into a {@code to} tensor would change what the values
     * mean: integers into a float tensor, or floats into an integer or bool one. Bool into
     * anything (0 and 1) and int64 into bool (a mask) are exact.
     */
    private static boolean reinterprets(DType from, DType to) {
        return from != to && from != DType.BOOL && !(from == DType.INT64 && to == DType.BOOL);
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

    /**
     * The arguments shown in {@link #toString()}, like PyTorch's {@code extra_repr}.
     *
     * @return the text between the parentheses, empty by default
     */
    protected String extraRepr() {
        return "";
    }
}
