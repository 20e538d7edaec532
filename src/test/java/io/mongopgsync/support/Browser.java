package io.mongopgsync.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian chromium driven through Debian's chromedriver, as the browser tests use it. Where either is
 * missing the calling test is skipped with the reason (never passed without a browser).
 */
public final class Browser {

    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private Browser() {
    }

    /** Starts chromium, or skips the test class with what is missing and how to get it. */
    public static ChromeDriver start() {
        File chromium = firstExisting("CHROME_BIN", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        File driver = firstExisting("CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Assumptions.assumeTrue(chromium != null && driver != null, "Browser tests need Debian's chromium and "
                + "chromium-driver (apt-get install chromium chromium-driver; .ci/run installs them when it can). Missing: "
                + (chromium == null ? "chromium " : "") + (driver == null ? "chromedriver" : ""));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--lang=en-US", "--window-size=1280,900", "--force-device-scale-factor=1");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver)
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static File firstExisting(String env, String... paths) {
        String configured = System.getenv(env);
        if (configured != null && !configured.isBlank()) {
            File f = new File(configured);
            return f.canExecute() ? f : null;
        }
        for (String p : paths) {
            File f = new File(p);
            if (f.canExecute()) {
                return f;
            }
        }
        return null;
    }

    /** Laptop or phone viewport (inner size as CSS pixels). */
    public static void viewport(ChromeDriver browser, int width, int height) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", width < 700));
        browser.manage().window().setSize(new Dimension(Math.max(width, 500), height + 100));
    }

    /** prefers-color-scheme as the operating system would set it. */
    public static void colorScheme(ChromeDriver browser, String scheme) {
        browser.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    public static void reset(ChromeDriver browser) {
        browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        colorScheme(browser, "light");
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    /** The whole page as a person sees it, under target/screenshots/{name}.png. */
    public static Path screenshot(ChromeDriver browser, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Object height = browser.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
            Object width = browser.executeScript("return window.innerWidth");
            Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1);
            String png = (String) browser.executeCdpCommand("Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true, "clip", clip)).get("data");
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.write(target, java.util.Base64.getDecoder().decode(png));
            return target;
        } catch (IOException | RuntimeException e) {
            // Fall back to the viewport when the full-page capture is not supported.
            File shot = browser.getScreenshotAs(OutputType.FILE);
            Path target = SCREENSHOTS.resolve(name + ".png");
            try {
                Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException io) {
                throw new IllegalStateException("cannot save screenshot " + target, io);
            }
            return target;
        }
    }
}
