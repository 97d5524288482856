/**
 * Random numbers that match PyTorch's CPU generator bit for bit (PyTorch 1.13, x86-64 at AVX2
 * dispatch, no MKL; the spec is shared/docs/torch-rng.md), on plain Java arrays.
 *
 * <p>How the book's PyTorch calls map onto {@link dev.scratchllm.random.Generator} (the global
 * generator is {@link dev.scratchllm.random.Generator#defaultGenerator()}):
 *
 * <table>
 * <caption>PyTorch call and its Java counterpart</caption>
 * <tr><th>PyTorch</th><th>Generator</th></tr>
 * <tr><td>{@code torch.manual_seed(s)}</td><td>{@code defaultGenerator().manualSeed(s)}</td></tr>
 * <tr><td>{@code torch.rand(*shape)}</td><td>{@code rand(numel)}</td></tr>
 * <tr><td>{@code torch.randn(*shape)}</td><td>{@code randn(numel)} (block path from 16
 *     elements, scalar path with a cached spare below)</td></tr>
 * <tr><td>{@code t.uniform_(a, b)} / {@code t.normal_(m, s)} on a contiguous tensor</td>
 *     <td>{@code uniform_(storage, off, numel, a, b)} / {@code normal_(storage, off, numel, m, s)}</td></tr>
 * <tr><td>{@code t.normal_(m, s)} on a non-contiguous tensor</td><td>{@code normalScalar_}, in
 *     memory order</td></tr>
 * <tr><td>{@code nn.Linear(in, out, bias)} init</td><td>{@code initLinear_(weight, biasOrNull, in)}
 *     (weight then bias; bounds from {@code kaimingUniformBound}, {@code linearBiasBound})</td></tr>
 * <tr><td>{@code nn.Embedding(V, D)} init</td><td>{@code initEmbedding_(weight)} =
 *     {@code normal_(weight, 0, V*D, 0, 1)}</td></tr>
 * <tr><td>{@code nn.Dropout(p)} / {@code F.dropout} in train mode</td><td>{@code dropoutMask(numel, p)}
 *     (= {@code empty_like(x).bernoulli_(1-p).div_(1-p)}; output {@code x * mask}); nothing in eval
 *     mode or for p = 0</td></tr>
 * <tr><td>{@code t.bernoulli_(p)}, {@code torch.bernoulli(probs)}</td><td>{@code bernoulli_(out, off, n, p)},
 *     {@code bernoulli(probs)}</td></tr>
 * <tr><td>{@code torch.multinomial(probs, 1)} (the book's sampling)</td><td>{@code multinomial(probs)}
 *     (exponential_ trick, no replacement)</td></tr>
 * <tr><td>{@code torch.multinomial(probs, k, replacement)}</td><td>{@code multinomial(probs, k, replacement)},
 *     2-D: {@code multinomial(probs, rows, cols, k, replacement)}</td></tr>
 * <tr><td>{@code torch.randperm(n)}</td><td>{@code randperm(n)}</td></tr>
 * <tr><td>{@code torch.randint(low, high, (n,))}</td><td>{@code randint(low, high, n)}</td></tr>
 * <tr><td>{@code t.exponential_(l)}</td><td>{@code exponential_(out, off, n, l)}</td></tr>
 * <tr><td>{@code DataLoader(shuffle=True)} epoch</td><td>{@code dataLoaderBaseSeed()} at {@code iter()},
 *     then {@code randomSamplerPermutation(len)} at the first batch</td></tr>
 * <tr><td>{@code DataLoader(shuffle=False)} epoch</td><td>{@code dataLoaderBaseSeed()} only</td></tr>
 * <tr><td>{@code torch.get_rng_state()} / {@code set_rng_state}</td><td>{@code getState()} /
 *     {@code setState(bytes)}, PyTorch's 5056-byte layout</td></tr>
 * </table>
 *
 * <p>Exact for float32 and integer results. Float64 normals and exponentials go through
 * {@link java.lang.StrictMath}'s log/sin/cos where PyTorch uses glibc's, and differ by 1-2 ulp
 * in a few percent of values.
 */
package dev.scratchllm.random;
