/*
 * ApiError: a request the server refuses, with the HTTP status and the words the client sees.
 * The API that received the request writes it in its own error shape (OpenAI's
 * {"error": {"message", "type", "param", "code"}}, Ollama's {"error": "..."}).
 */
package dev.scratchllm.serve;

/** A refused request: status, message, and OpenAI's error type and parameter. */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;
    private final String param;

    /**
     * An error.
     *
     * @param status the HTTP status
     * @param type OpenAI's error type, e.g. {@code invalid_request_error}
     * @param param the request field at fault, or null
     * @param message what went wrong, for the client
     */
    public ApiError(int status, String type, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    /**
     * A 400 naming a request field.
     *
     * @param param the field
     * @param message what is wrong with it
     * @return the error
     */
    public static ApiError badField(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, message);
    }

    /**
     * The HTTP status.
     *
     * @return the status
     */
    public int status() {
        return status;
    }

    /**
     * OpenAI's error type.
     *
     * @return the type
     */
    public String type() {
        return type;
    }

    /**
     * The request field at fault.
     *
     * @return the field, or null
     */
    public String param() {
        return param;
    }
}
