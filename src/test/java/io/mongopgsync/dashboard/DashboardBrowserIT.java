package io.mongopgsync.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import io.mongopgsync.events.EventHub;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.Browser;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestTokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What a person sees in the dashboard, in headless chromium against the whole service: registering a source,
 * a sync's progress bar moving to 100 %, the history row, errors next to what caused them, phone and dark mode.
 * Every test signs in through the page's sign-in screen with a real API token (the environment's admin token unless
 * the test is about roles). One browser for the class; every test leaves a screenshot under target/screenshots.
 */
@ServiceIT
class DashboardBrowserIT {

    static ChromeDriver browser;

    @LocalServerPort
    int port;

    @Autowired
    EventHub events;

    SyncClient sync;
    final TestMongo mongo = TestMongo.get();

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void setUp() {
        sync = new SyncClient(new ApiClient(port));
    }

    /** What the page showed when a test failed, beside the screenshots of the passing ones. */
    @RegisterExtension
    final TestWatcher failureScreenshot = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                Browser.screenshot(browser, "FAILED-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    /** Forgets the tab's token, so that the next test signs in afresh. */
    @AfterEach
    void resetBrowser() {
        Browser.reset(browser);
        if (browser.getCurrentUrl().startsWith(base())) {
            browser.executeScript("sessionStorage.clear()");
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port + "/";
    }

    private WebDriverWait waitUpTo(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(browser, timeout, Duration.ofMillis(50));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /**
     * Loads the page afresh (a change of the hash alone would not), signs in with the admin token when the page asks
     * for one, and waits until its live stream is up.
     */
    private void open(String hash) {
        browser.get("about:blank");
        browser.get(base() + hash);
        waitUpTo(Duration.ofSeconds(20)).until(d -> d.findElement(By.id("login")).isDisplayed()
                || "live".equals(d.findElement(By.id("live-state")).getAttribute("data-state")));
        if (browser.findElement(By.id("login")).isDisplayed()) {
            signIn(TestEnvironment.ADMIN_TOKEN);
        }
        waitUpTo(Duration.ofSeconds(20)).until(d -> "live".equals(
                d.findElement(By.id("live-state")).getAttribute("data-state")));
    }

    /** Types a token into the sign-in screen and sends it, as a person pastes theirs. */
    private void signIn(String token) {
        WebElement field = waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(By.id("token")));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.cssSelector("#login-form button[type='submit']")).click();
    }

    /** Loads the page with no token in the tab: it must ask for one before showing anything. */
    private WebElement openSignedOut() {
        browser.get(base() + "#/");
        browser.executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        WebElement login = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("live-state")).isDisplayed()).isFalse();
        return login;
    }

    /** A MongoDB database with one collection of {@code documents} small documents; returns its name. */
    private String database(int documents) {
        String name = "ui_" + UUID.randomUUID().toString().substring(0, 8);
        MongoDatabase db = mongo.client().getDatabase(name);
        TestMongo.insertInBatches(db.getCollection("items"), 0, documents,
                i -> new Document("_id", i).append("name", "item " + i).append("price", i * 1.5).append("n", i));
        return name;
    }

    private static int percentOf(WebElement bar) {
        String now = bar.getAttribute("aria-valuenow");
        return now == null ? -1 : (int) Math.floor(Double.parseDouble(now));
    }

    /** Chooses a status in the history filter unless it is chosen; true once it is. */
    private boolean filterHistory(String status) {
        Select filter = new Select(browser.findElement(By.id("history-status")));
        if (!status.equals(filter.getFirstSelectedOption().getAttribute("value"))) {
            filter.selectByValue(status);
            return false;
        }
        return true;
    }

    private WebElement bar() {
        return browser.findElement(By.cssSelector(".running .bar[role='progressbar']"));
    }

    private String badge() {
        return browser.findElement(By.cssSelector(".title-badges .badge")).getAttribute("data-status");
    }

    @Test
    void shouldRegisterASourceThroughTheFormAndShowItsSyncProgressToOneHundredPercentAndItsHistoryRow() {
        String database = database(60_000);
        String name = "shop-" + database.substring(3);
        open("#/");
        waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.elementToBeClickable(By.id("register-source"))).click();
        // the form is drawn after the click, by the page's script
        waitUpTo(Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.id("src-name")))
                .sendKeys(name);
        browser.findElement(By.id("src-connection")).sendKeys(mongo.uri(database));
        browser.findElement(By.id("src-database")).sendKeys(database);
        browser.findElement(By.id("src-batch")).sendKeys("100");
        WebElement initial = browser.findElement(By.id("src-initial"));
        if (initial.isSelected()) {
            initial.click();
        }
        browser.findElement(By.cssSelector("#source-form button[type='submit']")).click();
        waitUpTo(Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().matches(".*#/sources/\\d+$"));
        long sourceId = Long.parseLong(browser.getCurrentUrl().replaceAll(".*#/sources/", ""));
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(By.cssSelector(".source-name"), name));
        assertThat(badge()).isEqualTo("never");

        new Select(browser.findElement(By.cssSelector(".source-actions [data-sync-type]"))).selectByValue("full");
        browser.findElement(By.cssSelector(".source-actions button[data-action='sync']")).click();

        WebDriverWait wait = waitUpTo(Duration.ofMinutes(2));
        int first = wait.until(d -> {
            int p = percentOf(bar());
            return p > 0 && p < 100 ? p : null;
        });
        Browser.screenshot(browser, "sync-progress-running");
        int later = wait.until(d -> {
            int p = percentOf(bar());
            return p > first ? p : null;
        });
        assertThat(later).isGreaterThan(first);
        wait.until(d -> percentOf(bar()) == 100);
        // the live page redraws the figures as events arrive: read them until they say the end
        wait.ignoring(StaleElementReferenceException.class).until(d ->
                d.findElement(By.cssSelector(".running .progress-figures")).getText().contains("60,000 / 60,000"));
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#history-rows tr[data-status='completed']")));
        assertThat(row.getText()).contains("items").contains("60,000");
        wait.until(d -> "completed".equals(badge()));
        JsonNode status = sync.api().get("/api/data-sources/" + sourceId + "/sync-status").json();
        assertThat(status.get("syncStatus").asText()).isEqualTo("completed");
        assertThat(status.get("totalRecordsSynced").asLong()).isEqualTo(60_000);
        Browser.screenshot(browser, "sync-completed-source-page");

        browser.findElement(By.linkText("← All data sources")).click();
        WebElement card = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("article[data-source-id='" + sourceId + "']")));
        assertThat(card.findElement(By.cssSelector(".badge")).getAttribute("data-status")).isEqualTo("completed");
        assertThat(card.getText()).contains("60,000");
        Browser.screenshot(browser, "overview-after-sync");
    }

    @Test
    void shouldRefuseAnInvalidCronInTheConfigFormWithTheApisMessageNextToTheField() {
        String database = database(10);
        long sourceId = sync.createSource("cron", mongo.uri(database), database, Map.of());
        String apiMessage = sync.api().put("/api/data-sources/" + sourceId + "/sync-config",
                ApiClient.json(Map.of("schedule", "61 * * * *"))).json().get("details").get(0).get("message").asText();

        open("#/sources/" + sourceId);
        WebElement schedule = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(By.id("cfg-schedule")));
        schedule.clear();
        schedule.sendKeys("0 */6 * * *");
        assertThat(browser.findElement(By.id("cfg-schedule-words")).getText()).isEqualTo("Runs every 6 hours");
        schedule.clear();
        schedule.sendKeys("61 * * * *");
        browser.findElement(By.cssSelector("#config-form button[type='submit']")).click();

        WebElement error = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(
                By.id("cfg-schedule-error")));
        assertThat(error.getText()).isEqualTo("Schedule " + apiMessage);
        assertThat(schedule.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("cfg-schedule");
        assertThat(sync.api().get("/api/data-sources/" + sourceId + "/sync-config").json()
                .get("syncConfig").path("schedule").isMissingNode()).as("nothing stored").isTrue();
        Browser.screenshot(browser, "config-invalid-cron");

        schedule.clear();
        schedule.sendKeys("30 2 * * *");
        browser.findElement(By.cssSelector("#config-form button[type='submit']")).click();
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(By.cssSelector("#config-form .form-ok"),
                "Configuration saved."));
        assertThat(browser.findElement(By.id("cfg-schedule-error")).getText()).isEmpty();
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textMatches(By.cssSelector(".schedule-words"),
                java.util.regex.Pattern.compile("every day at 02:30, next at .*")));
    }

    @Test
    void shouldShowAFailedSyncsMessageAndAnUnreachableMongoDbNextToTheirButtons() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long sourceId = sync.createSource("closed", "mongodb://127.0.0.1:" + closedPort + "/nowhere", "nowhere", Map.of());
        String testMessage = sync.api().post("/api/data-sources/" + sourceId + "/test-connection", null)
                .json().get("message").asText();

        open("#/sources/" + sourceId);
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("button[data-action='test-connection']"))).click();
        WebElement result = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".test-result.error")));
        assertThat(result.getText()).isEqualTo("Connection failed: " + testMessage);

        browser.findElement(By.cssSelector(".source-actions button[data-action='sync']")).click();
        waitUpTo(Duration.ofMinutes(1)).until(d -> "failed".equals(badge()));
        String apiError = sync.api().get("/api/data-sources/" + sourceId + "/sync-status").json()
                .get("syncErrorMessage").asText();
        WebElement error = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".last-error pre")));
        assertThat(error.getText()).isEqualTo(apiError).contains("MongoDB unreachable");
        Browser.screenshot(browser, "sync-failed-closed-port");
    }

    @Test
    void shouldStartASyncFromTheKeyboardAndSayWhenOneIsAlreadyRunning() {
        // large enough that the sync is still running when Cancel is pressed, however fast the machine
        String database = database(150_000);
        long sourceId = sync.createSource("busy", mongo.uri(database), database, Map.of("batchSize", 100));
        open("#/sources/" + sourceId);
        WebElement button = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(
                By.cssSelector(".source-actions button[data-action='sync']")));

        browser.findElement(By.tagName("body")).click();
        for (int i = 0; i < 30 && !"sync".equals(browser.switchTo().activeElement().getAttribute("data-action")); i++) {
            browser.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        assertThat(browser.switchTo().activeElement().getAttribute("data-action")).as("Tab reaches Sync now").isEqualTo("sync");
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);
        waitUpTo(Duration.ofSeconds(30)).until(d -> List.of("queued", "running").contains(badge()));

        browser.findElement(By.cssSelector(".source-actions button[data-action='sync']")).click();
        WebElement error = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".source-page .action-error")));
        assertThat(error.getText()).contains("already").contains("Wait for it to finish or cancel it");
        Browser.screenshot(browser, "sync-already-running");

        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(
                By.cssSelector(".source-actions button[data-action='cancel']"))).click();
        waitUpTo(Duration.ofMinutes(1)).until(d -> "cancelled".equals(badge()));
        assertThat(sync.awaitIdle(sourceId, Duration.ofSeconds(30)).get("job").isNull()).isTrue();
    }

    @Test
    void shouldBeReadableOnALaptopAndAPhoneInLightAndDarkMode() {
        String database = database(500);
        long sourceId = sync.createSource("look", mongo.uri(database), database,
                Map.of("schedule", "0 */6 * * *", "scheduleTimeZone", "Europe/Berlin"));
        sync.syncAndWait(sourceId, "full");
        sync.syncAndWait(sourceId, "full");

        open("#/sources/" + sourceId);
        waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElements(By.cssSelector("#history-rows tr[data-status]")).size() == 2);
        // the filter is chosen again while waiting: the page's own refresh may draw the select anew meanwhile
        waitUpTo(Duration.ofSeconds(30)).until(d -> filterHistory("failed")
                && "No run with this status.".equals(d.findElement(By.id("history-rows")).getText()));
        waitUpTo(Duration.ofSeconds(30)).until(d -> filterHistory("completed")
                && d.findElements(By.cssSelector("#history-rows tr[data-status='completed']")).size() == 2);
        assertThat(browser.findElement(By.id("history-range")).getText()).isEqualTo("1–2 of 2");
        ApiClient.Response bogus = sync.api().get("/api/data-sources/" + sourceId + "/history?status=done");
        assertThat(bogus.status()).isEqualTo(400);
        assertThat(bogus.json().get("details").get(0).get("field").asText()).isEqualTo("status");

        for (String scheme : List.of("light", "dark")) {
            Browser.colorScheme(browser, scheme);
            for (int[] size : new int[][] {{1280, 900}, {390, 844}}) {
                Browser.viewport(browser, size[0], size[1]);
                String device = size[0] < 700 ? "phone" : "laptop";
                open("#/sources/" + sourceId);
                waitUpTo(Duration.ofSeconds(30)).until(d -> d.findElements(By.cssSelector("#history-rows tr[data-status]")).size() == 2);
                waitUpTo(Duration.ofSeconds(30)).until(d -> Boolean.TRUE.equals(((ChromeDriver) d)
                        .executeScript("return !!(window.Chart && Chart.getChart('runs-chart'))")));
                assertThat(browser.findElement(By.cssSelector(".schedule-words")).getText())
                        .matches("every 6 hours, next at .* Europe/Berlin");
                String background = (String) browser.executeScript("return getComputedStyle(document.body).backgroundColor");
                assertThat(background).isEqualTo(scheme.equals("dark") ? "rgb(13, 17, 23)" : "rgb(246, 248, 250)");
                Number overflow = (Number) browser.executeScript(
                        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
                assertThat(overflow.intValue()).as("no sideways scrolling on a %s", device).isLessThanOrEqualTo(0);
                Browser.screenshot(browser, "source-page-" + device + "-" + scheme);
                open("#/");
                waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("article[data-source-id='" + sourceId + "']")));
                Browser.screenshot(browser, "overview-" + device + "-" + scheme);
            }
        }
    }

    /**
     * The live stream ends (as when the service restarts) while a sync runs; the page says it is reconnecting,
     * comes back by itself and shows what happened meanwhile.
     */
    @Test
    void shouldReconnectByItselfAfterTheLiveStreamIsLostAndShowWhatHappenedMeanwhile() {
        String database = database(300);
        long sourceId = sync.createSource("gone", mongo.uri(database), database, Map.of());
        open("#/");
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("article[data-source-id='" + sourceId + "'] .badge[data-status='never']")));

        events.stop();
        try {
            waitUpTo(Duration.ofSeconds(30)).until(d -> "reconnecting".equals(
                    d.findElement(By.id("live-state")).getAttribute("data-state")));
            Browser.screenshot(browser, "live-reconnecting");
            sync.syncAndWait(sourceId, "full");
        } finally {
            events.start();
        }
        waitUpTo(Duration.ofSeconds(30)).until(d -> "live".equals(
                d.findElement(By.id("live-state")).getAttribute("data-state")));
        WebElement card = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("article[data-source-id='" + sourceId + "'] .badge[data-status='completed']")));
        assertThat(card.isDisplayed()).isTrue();
        assertThat(browser.findElement(By.cssSelector("article[data-source-id='" + sourceId + "'] .card-facts")).getText())
                .contains("300");
    }

    /**
     * The sign-in screen with the real authentication: a mistyped token is refused with the reason and not kept; a
     * viewer token made by an admin signs in as that viewer, who sees the data but none of the buttons a viewer may
     * not use; signing out forgets the token.
     */
    @Test
    void shouldAskForATokenRefuseAWrongOneAndHideWhatAViewerMayNotUse() {
        String database = database(10);
        long sourceId = sync.createSource("viewer", mongo.uri(database), database, Map.of());
        sync.syncAndWait(sourceId, "full");
        TestTokens.Created viewer = TestTokens.create(sync.api(), "dashboard", "viewer");
        assertThat(sync.api().withToken(viewer.token()).get("/api/me").json().get("role").asText()).isEqualTo("viewer");

        WebElement login = openSignedOut();
        Browser.screenshot(browser, "login");

        signIn("mps_" + "mistyped".repeat(6));
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(By.id("login-error"),
                "That token was not accepted (expired, revoked or mistyped). Paste a valid one."));
        assertThat(browser.findElement(By.id("app")).isDisplayed()).isFalse();
        assertThat(browser.executeScript("return sessionStorage.length")).isEqualTo(0L);
        Browser.screenshot(browser, "login-refused");

        browser.findElement(By.id("token")).sendKeys(viewer.token() + Keys.ENTER);
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(By.id("who"), viewer.name() + " · viewer"));
        assertThat(login.isDisplayed()).isFalse();
        waitUpTo(Duration.ofSeconds(30)).until(d -> "live".equals(
                d.findElement(By.id("live-state")).getAttribute("data-state")));
        WebElement card = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("article[data-source-id='" + sourceId + "']")));
        assertThat(browser.findElements(By.id("register-source"))).isEmpty();
        assertThat(card.findElements(By.cssSelector("button"))).as("a viewer cannot start syncs").isEmpty();
        Browser.screenshot(browser, "viewer-overview");

        card.findElement(By.cssSelector("h3 a")).click();
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(By.id("config-form")));
        // Rejected documents are data, which a viewer may not read here: the page says so instead of failing.
        WebElement withheld = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(
                By.id("rejects-withheld")));
        assertThat(withheld.getText()).contains("your role may not read");
        assertThat(sync.api().withToken(viewer.token()).get("/api/data-sources/" + sourceId + "/rejects").status())
                .isEqualTo(403);
        assertThat(browser.findElement(By.cssSelector(".collections details[data-collection='items'] summary")).getText())
                .as("the collection's table and columns are still shown").contains("columns");
        assertThat(browser.findElement(By.cssSelector(".source-name")).getText())
                .isEqualTo(sync.api().get("/api/data-sources/" + sourceId).json().get("name").asText());
        assertThat(browser.findElement(By.cssSelector(".source-page .action-error")).getText()).isEmpty();
        assertThat(browser.findElements(By.cssSelector(".source-actions button"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#config-form button[type='submit']"))).isEmpty();
        assertThat(browser.findElement(By.id("cfg-schedule")).isEnabled()).isFalse();
        Browser.screenshot(browser, "viewer-source-page");

        browser.findElement(By.id("sign-out")).click();
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        assertThat(browser.findElement(By.id("login-error")).getText()).isEqualTo("You are signed out.");
        assertThat(browser.executeScript("return sessionStorage.length")).isEqualTo(0L);
        assertThat(browser.findElement(By.id("who")).getText()).isEmpty();
    }

    /**
     * A token revoked while its holder has the page open: the next call is answered 401 and the page goes back to the
     * sign-in screen with the reason instead of showing errors next to buttons.
     */
    @Test
    void shouldReturnToTheSignInScreenWhenTheTokenIsRevokedWhileThePageIsOpen() {
        String database = database(10);
        long sourceId = sync.createSource("revoked", mongo.uri(database), database, Map.of());
        TestTokens.Created operator = TestTokens.create(sync.api(), "dashboard", "operator");

        openSignedOut();
        signIn(operator.token());
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.textToBe(By.id("who"), operator.name() + " · operator"));
        browser.get(base() + "#/sources/" + sourceId);
        WebElement syncNow = waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(
                By.cssSelector(".source-actions button[data-action='sync']")));
        assertThat(browser.findElements(By.cssSelector("#config-form button[type='submit']")))
                .as("an operator may not edit the configuration").isEmpty();

        assertThat(sync.api().delete("/api/tokens/" + operator.id()).status()).isEqualTo(204);
        // The page may still be loading parts of the source page; the first of its calls to be answered 401 brings
        // the sign-in screen, which may be before the click lands.
        try {
            syncNow.click();
        } catch (ElementNotInteractableException | StaleElementReferenceException alreadySignedOut) {
            assertThat(browser.findElement(By.id("login")).isDisplayed()).isTrue();
        }
        waitUpTo(Duration.ofSeconds(30)).until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        assertThat(browser.findElement(By.id("login-error")).getText())
                .isEqualTo("Your session ended (the token expired or was revoked). Sign in again.");
        assertThat(browser.executeScript("return sessionStorage.length")).isEqualTo(0L);
        assertThat(sync.api().get("/api/data-sources/" + sourceId + "/sync-status").json().get("syncStatus").asText())
                .as("no sync was started").isEqualTo("pending");
        Browser.screenshot(browser, "login-after-revocation");
    }
}
