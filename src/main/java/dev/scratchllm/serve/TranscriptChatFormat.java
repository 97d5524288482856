/*
 * TranscriptChatFormat: a chat format for a base model that was never taught a chat template
 * (GPT-2's pretrained weights, a checkpoint from chapter 5's pretraining): the conversation as a
 * plain "User: ... / Assistant: ..." transcript that the model continues, stopping when it starts
 * the next "User:" line. Ollama's /api/generate passes the prompt through unchanged, as Ollama does
 * for a model whose template is just the prompt.
 *
 * A base model only imitates a transcript; it does not follow instructions.
 */
package dev.scratchllm.serve;

import java.util.List;

/** A plain transcript for base (not instruction-tuned) models. */
public final class TranscriptChatFormat implements ChatFormat {
    /** The transcript format (it has no settings). */
    public TranscriptChatFormat() {
    }

    @Override
    public String name() {
        return "transcript";
    }

    @Override
    public String chatPrompt(List<ChatMessage> messages) {
        StringBuilder sb = new StringBuilder();
        boolean endsWithAssistant = false;
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case "system" -> sb.append(m.content()).append("\n\n");
                case "user" -> sb.append("User: ").append(m.content()).append('\n');
                default -> sb.append("Assistant: ").append(m.content()).append('\n');
            }
            endsWithAssistant = m.role().equals("assistant");
        }
        if (endsWithAssistant) return sb.substring(0, sb.length() - 1); // continue the last reply
        return sb.append("Assistant:").toString();
    }

    @Override
    public String generatePrompt(String system, String prompt) {
        return system == null ? prompt : system + "\n\n" + prompt;
    }

    @Override
    public List<String> stopStrings() {
        return List.of("\nUser:");
    }
}
