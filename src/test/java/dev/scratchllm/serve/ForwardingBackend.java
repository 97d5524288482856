package dev.scratchllm.serve;

import dev.scratchllm.tokenizer.StreamingDecoder;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * A test backend that hands every call to another; subclasses change {@link #generate} only (a
 * gate before it, a delay after each token).
 */
abstract class ForwardingBackend implements ModelBackend {
    final ModelBackend inner;

    ForwardingBackend(ModelBackend inner) {
        this.inner = inner;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public String family() {
        return inner.family();
    }

    @Override
    public long parameterCount() {
        return inner.parameterCount();
    }

    @Override
    public int contextLength() {
        return inner.contextLength();
    }

    @Override
    public ChatFormat chatFormat() {
        return inner.chatFormat();
    }

    @Override
    public int[] encode(String text) {
        return inner.encode(text);
    }

    @Override
    public int[] emptyPrompt() {
        return inner.emptyPrompt();
    }

    @Override
    public StreamingDecoder newDecoder() {
        return inner.newDecoder();
    }

    @Override
    public int[] encodeChat(List<ChatMessage> messages) {
        return inner.encodeChat(messages);
    }

    @Override
    public int[] encodeGenerate(String system, String prompt) {
        return inner.encodeGenerate(system, prompt);
    }

    @Override
    public Finish generate(int[] prompt, SamplingParams params, IntPredicate onToken) {
        return inner.generate(prompt, params, onToken);
    }
}
