package dev.scratchllm.serve;

import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.finetune.InstructionEntry;
import dev.scratchllm.io.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.scratchllm.serve.TinyModel.list;
import static dev.scratchllm.serve.TinyModel.obj;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page in a real browser: headless Chromium, driven by chromedriver over plain
 * WebDriver HTTP calls (no Selenium), loads the page, sends a message and sees the reply stream
 * in; then a bad setting shows the server's error. Skipped where Debian's chromium and
 * chromium-driver are not installed. With -Dscratchllm.screenshot=FILE it saves a PNG of the page.
 */
class ChatPageTest {
    static final Path CHROMIUM = Path.of(System.getProperty("scratchllm.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("scratchllm.chromedriver", "/usr/bin/chromedriver"));
    static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf"; // W3C WebDriver's element key
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static ChatServer server;
    static Process driver;
    static URI wd;
    static String session;
    static Path profile;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "headless Chromium test skipped: no " + CHROMIUM + " or " + DRIVER + " (apt-get install -y chromium chromium-driver)");
        server = ChatServer.start(TinyModel.options(), List.of(TinyModel.backend(new AlpacaChatFormat(InstructionData.PromptStyle.ALPACA))), s -> { });
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(DRIVER.toString(), "--port=" + port).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        wd = URI.create("http://127.0.0.1:" + port + "/");
        boolean ready = false;
        for (int i = 0; i < 200 && !ready; i++) {
            try {
                ready = HTTP.send(HttpRequest.newBuilder(wd.resolve("status")).build(), HttpResponse.BodyHandlers.ofString()).body().contains("\"ready\":true");
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        assertThat(ready).as("chromedriver did not start").isTrue();
        profile = Files.createTempDirectory("scratchllm-chromium");
        List<String> args = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1000,700", "--user-data-dir=" + profile);
        Map<String, Object> caps = Map.of("capabilities", Map.of("alwaysMatch", Map.of("browserName", "chrome",
                "goog:chromeOptions", Map.of("binary", CHROMIUM.toString(), "args", args))));
        session = obj(call("POST", "session", caps)).get("sessionId").toString();
    }

    @AfterAll
    static void stop() throws Exception {
        if (session != null) call("DELETE", "session/" + session, null);
        if (driver != null) {
            driver.destroy();
            driver.waitFor();
        }
        if (server != null) server.close();
        if (profile != null) try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** One WebDriver command; its "value". */
    static Object call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(wd.resolve(path)).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) throw new AssertionError("WebDriver " + method + " " + path + ": " + r.statusCode() + " " + r.body());
        return Json.parseObject(r.body(), "WebDriver").get("value");
    }

    static Object js(String script) throws Exception {
        return call("POST", "session/" + session + "/execute/sync", Map.of("script", script, "args", List.of()));
    }

    static String element(String css) throws Exception {
        return obj(call("POST", "session/" + session + "/element", Map.of("using", "css selector", "value", css))).get(ELEMENT).toString();
    }

    static void type(String css, String text) throws Exception {
        call("POST", "session/" + session + "/element/" + element(css) + "/value", Map.of("text", text));
    }

    static void click(String css) throws Exception {
        call("POST", "session/" + session + "/element/" + element(css) + "/click", Map.of());
    }

    static Object waitFor(String script) throws Exception {
        for (int i = 0; i < 600; i++) {
            Object v = js(script);
            if (v != null && !Boolean.FALSE.equals(v)) return v;
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for: " + script);
    }

    @Test
    @DisplayName("headless Chromium: the page lists the model, streams the reply to a message, keeps the conversation, and shows server errors")
    void chatInBrowser() throws Exception {
        call("POST", "session/" + session + "/url", Map.of("url", server.uri().toString()));
        assertThat(waitFor("const o = document.querySelector('#model option'); return o && o.value")).isEqualTo("tiny");
        js("document.getElementById('temperature').value = '0'; document.getElementById('max-tokens').value = '12';"
                + "window.__updates = 0; new MutationObserver(records => window.__updates += records.length)" // records, not callbacks: chunks read at once share one callback
                + ".observe(document.getElementById('messages'), {subtree: true, childList: true, characterData: true});");
        type("#input", "Name a color.");
        click("#send");
        Object reply = waitFor("const m = document.querySelector('.msg.assistant .meta'); return m && m.parentElement.firstChild.textContent");
        String prompt = InstructionData.formatInput(new InstructionEntry("Name a color.", "", "")) + "\n\n### Response:\n";
        assertThat(reply).isEqualTo(ChatServerTest.reference(prompt, 12, 0f, null, 0));
        assertThat(js("return document.querySelector('.msg.assistant .meta').textContent")).isEqualTo("12 tokens · length");
        assertThat(((Number) js("return window.__updates")).intValue()).as("DOM changes while the reply streamed (one per chunk)").isGreaterThan(4);

        // a second turn: the page sends the whole conversation (user, assistant, user)
        type("#input", "And another?");
        click("#send");
        waitFor("return document.querySelectorAll('.msg.assistant .meta').length === 2");
        assertThat(list(js("return [...document.querySelectorAll('.msg')].map(m => m.className)")))
                .containsExactly("msg user", "msg assistant", "msg user", "msg assistant");

        String shot = System.getProperty("scratchllm.screenshot");
        if (shot != null) Files.write(Path.of(shot), Base64.getDecoder().decode(call("GET", "session/" + session + "/screenshot", null).toString()));

        // a setting the server refuses: its error message appears, and no empty reply is left behind
        js("document.getElementById('max-tokens').value = '0'");
        type("#input", "Hello?");
        click("#send");
        Object error = waitFor("const e = document.getElementById('error'); return !e.hidden && e.textContent");
        assertThat(error.toString()).startsWith("Server error 400: 'max_tokens' must be between 1 and 4096");
        assertThat(((Number) js("return document.querySelectorAll('.msg.assistant').length")).intValue()).isEqualTo(2);
    }
}
