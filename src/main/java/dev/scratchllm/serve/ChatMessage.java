/*
 * ChatMessage: one message of a conversation as both APIs send it (role and text). It does not
 * hold images, tool calls or names: the models here read text only.
 */
package dev.scratchllm.serve;

/**
 * One message of a conversation.
 *
 * @param role {@code system}, {@code user} or {@code assistant}
 * @param content the text
 */
public record ChatMessage(String role, String content) {
    /** The roles a message may have. */
    public static final java.util.Set<String> ROLES = java.util.Set.of("system", "user", "assistant");

    /**
     * Checks the role.
     *
     * @param role the role
     * @param content the text
     * @throws IllegalArgumentException for a role outside {@link #ROLES} or null content
     */
    public ChatMessage {
        if (!ROLES.contains(role)) throw new IllegalArgumentException("message role must be one of system, user, assistant; got '" + role + "'");
        if (content == null) throw new IllegalArgumentException("message content is missing");
    }
}
