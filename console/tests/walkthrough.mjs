// A new officer's first session, in Debian's chromium: pickup of the officer
// certificate, then every console page (INKAN_WALK=subscriber: a subscriber's
// download link instead; INKAN_WALK=credentials: a client certificate's PIN
// file and the end user's PKCS#12).  Driven by tests/e2e/test_console_browser.py,
// which prepares the data and checks the database afterwards; this script
// prints one JSON line of what it saw.  Any failed expectation throws.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const SUBSCRIBER = process.env.INKAN_WALK === "subscriber" || process.env.INKAN_WALK === "credentials";
const CONSOLE = SUBSCRIBER ? "" : env("INKAN_CONSOLE");
const SHOTS = env("INKAN_SCREENSHOTS");
const DOWNLOADS = env("INKAN_DOWNLOADS");
const DOMAIN = SUBSCRIBER ? "" : env("INKAN_DOMAIN");
mkdirSync(DOWNLOADS, { recursive: true });

const launch = () =>
  chromium.launch({
    executablePath: process.env.INKAN_CHROMIUM ?? "/usr/bin/chromium",
    // The profile's NSS database (trusted CA, the officer's certificate) lives under HOME.
    env: { ...process.env, HOME: env("INKAN_HOME") },
  });

function expect(condition, what) {
  if (!condition) throw new Error(`expected: ${what}`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// The page's headings: they change with the language even where the h1 is data (an FQDN).
const HEADINGS = () => [...document.querySelectorAll("main h1, main h2")].map((h) => h.textContent.trim()).join(" | ");
async function heading(page) {
  return page.evaluate(HEADINGS);
}

async function saveDownload(page, trigger, name) {
  const [download] = await Promise.all([page.waitForEvent("download"), trigger()]);
  const path = join(DOWNLOADS, name);
  await download.saveAs(path);
  return readFileSync(path);
}

// 1. Pickup: the mailed link (the console's pickup page) and the PIN give the
//    PKCS#12 and its one-time password.
async function pickup() {
  const browser = await launch();
  const page = await browser.newPage({ locale: "ja-JP" });
  await page.goto(env("INKAN_PICKUP"));
  await page.getByText("ロックまでに試せる回数: 5").waitFor();
  await shot(page, "pickup");
  // A mistyped PIN says so, and how many tries are left.
  await page.getByLabel("アクセスPIN").fill("WRONGPIN2345");
  await page.getByRole("button", { name: "証明書を受け取る" }).click();
  await page.getByText(/アクセスPINが違います。あと 4 回/).waitFor();
  await page.getByText("ロックまでに試せる回数: 4").waitFor();
  await shot(page, "pickup-wrong-pin");
  await page.getByLabel("アクセスPIN").fill(env("INKAN_PIN"));
  await page.getByRole("button", { name: "証明書を受け取る" }).click();
  await page.locator("#password").waitFor({ timeout: 60_000 });
  const password = (await page.locator("#password").textContent()).trim();
  await shot(page, "pickup-password");
  const p12 = await saveDownload(page, () => page.locator("#download").click(), "officer.p12");
  // Leaving before confirming that both are saved asks first (the page cancels beforeunload),
  // and no longer once the officer says both are saved.
  const leaving = () =>
    page.evaluate(() => {
      const e = new Event("beforeunload", { cancelable: true });
      dispatchEvent(e);
      return e.defaultPrevented;
    });
  expect(await leaving(), "a warning before leaving the one-time password");
  await page.getByLabel("ファイルとパスワードを保存しました").check();
  await page.waitForTimeout(200); // the re-render after the check
  expect(!(await leaving()), "no warning once both are saved");
  await browser.close();
  const file = join(DOWNLOADS, "officer.p12");
  execFileSync("pk12util", ["-i", file, "-d", env("INKAN_NSSDB"), "-W", password, "-K", ""]);
  return p12.length;
}

async function headingsChange(page, from) {
  for (let i = 0; i < 100; i++) {
    if ((await heading(page)) !== from) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`the headings stayed "${from}"`);
}

// Switches the language on the current page and back, checking the heading each way.
async function switchLanguage(page) {
  const before = await heading(page);
  await page.locator("button.lang").click();
  await headingsChange(page, before);
  expect((await page.locator("html").getAttribute("lang")) === "en", "English after the switch");
  const english = await heading(page);
  await page.locator("button.lang").click();
  await headingsChange(page, english);
  expect((await heading(page)) === before, `the Japanese heading again (${before})`);
  return english;
}

async function visit(page, route, name) {
  await page.goto(CONSOLE + route);
  await page.locator("main h1").first().waitFor();
  await page.waitForFunction(() => !/読み込み中|Loading/.test(document.querySelector("main")?.textContent ?? ""));
  const english = await switchLanguage(page);
  await shot(page, name);
  return english;
}

async function console_(seen) {
  const browser = await launch();
  const context = await browser.newContext({
    locale: "ja-JP",
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  try {
    await walk(page, seen);
    expect(problems.length === 0, `no script errors or failed loads (${problems.join("; ")})`);
  } catch (e) {
    // What the officer would have seen, for the test's failure message.
    await shot(page, "failure").catch(() => {});
    const text = await page
      .locator("body")
      .innerText()
      .catch(() => "");
    throw new Error(`${e.message}\n--- page ${page.url()} ---\n${text.slice(0, 2000)}\n--- ${problems.join("\n")}`);
  } finally {
    await browser.close();
  }
}

async function walk(page, seen) {
  // Home: logged in by the certificate alone.
  await page.goto(CONSOLE);
  await page.getByRole("heading", { level: 1, name: /ようこそ/ }).waitFor();
  await shot(page, "home-ja");
  // Keyboard: the first Tab reaches the skip link, which leads to the content.
  await page.keyboard.press("Tab");
  expect(
    await page.evaluate(() => document.activeElement?.classList.contains("skip")),
    "the skip link takes the first Tab",
  );
  await page.keyboard.press("Enter");
  expect(
    await page.evaluate(() => document.activeElement?.id === "main"),
    "Enter on the skip link focuses the content",
  );
  expect((await switchLanguage(page)).startsWith("Welcome"), "the English home page");

  // Upload a good file, and watch both certificates being issued without reloading.
  await visit(page, "#/upload", "upload");
  await page.locator("#file").setInputFiles(env("INKAN_GOOD_TSV"));
  await page.getByRole("button", { name: "申請する" }).click();
  await page.locator("#accepted").filter({ hasText: "2" }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('td.progress[data-state="issued"]').length === 2, null, {
    timeout: 60_000,
  });
  await shot(page, "upload-result");

  // A bad file: every error of the line is listed, with its code.
  await page.locator("#file").setInputFiles(env("INKAN_BAD_TSV"));
  await page.getByRole("button", { name: "申請する" }).click();
  await page.locator("tr.ng").waitFor();
  const errors = await page.locator("tr.ng ul.line-errors li").count();
  expect(errors >= 2, `all errors of the bad line (${errors})`);
  await shot(page, "upload-errors");

  // Upload history and one batch.
  await visit(page, "#/history", "history");
  seen.batches_seen = await page.locator("tbody tr").count();
  await page.locator("tbody tr th a").first().click();
  await page.locator("table.results").waitFor();
  await switchLanguage(page);
  await shot(page, "history-batch");

  // Find the www certificate, open it, download it on the subscriber's behalf.
  await visit(page, "#/certificates", "certificates");
  await page.getByLabel("FQDN").fill(`www.${DOMAIN}`);
  await page.getByRole("button", { name: "検索" }).click();
  await page.getByRole("link", { name: `www.${DOMAIN}` }).click();
  await page.locator("#pem").waitFor({ state: "attached" });
  await switchLanguage(page);
  const hex = (await page.locator("li", { hasText: "16進" }).locator("code").textContent()).trim();
  expect(/^0x[0-9a-f]+$/.test(hex), `the serial in 0x notation (${hex})`);
  seen.renewed_serial = hex.slice(2);
  await shot(page, "certificate-detail");
  const pem = await saveDownload(page, () => page.getByRole("button", { name: "ダウンロード" }).click(), "www.pem");
  seen.downloaded_pem = pem.toString("utf8");

  // Renew it with a new CSR; the status turns to 6 by itself.
  await page.getByLabel("CSR (PEM)").fill(readFileSync(env("INKAN_RENEWAL_CSR"), "utf8"));
  await page.getByRole("button", { name: "更新を申請する" }).click();
  await page.locator("span.status.s6").waitFor({ timeout: 60_000 });
  await shot(page, "certificate-renewed");

  // Revoke the mail certificate: reason, comment, confirmation.
  await page.goto(`${CONSOLE}#/certificates?fqdn=mail.${DOMAIN}`);
  await page.getByRole("link", { name: `mail.${DOMAIN}` }).click();
  await page.locator("#pem").waitFor({ state: "attached" });
  seen.revoked_serial = (await page.locator("li", { hasText: "16進" }).locator("code").textContent()).trim().slice(2);
  await page.getByLabel("失効事由").selectOption("5");
  await page.getByLabel("コメント").fill("サーバ廃止");
  const revoke = page.getByRole("button", { name: "失効を申請する" });
  expect(await revoke.isDisabled(), "revocation waits for the confirmation");
  await page.getByLabel(/失効は取り消せません/).check();
  await revoke.click();
  await page.locator("span.status.s7").waitFor({ timeout: 60_000 });
  await shot(page, "certificate-revoked");

  // ACME: a registration for two names; the EAB appears once, then the registration is listed.
  await visit(page, "#/acme", "acme");
  await page.getByLabel("CN (FQDN)").fill(`acme.${DOMAIN}`);
  await page.getByLabel(/追加の名前/).fill(`acme2.${DOMAIN}`);
  await page.getByLabel("氏名").fill("ACME 管理者");
  await page.getByLabel("所属").fill("情報基盤センター");
  await page.getByLabel("メールアドレス").fill(`acme-admin@${DOMAIN}`);
  await page.getByLabel("サーバソフトウェア").fill("nginx 1.22");
  await page.getByRole("button", { name: "ACME 利用情報を作成" }).click();
  seen.eab_kid = (await page.getByTestId("eab-kid").textContent()).trim();
  seen.eab_hmac = (await page.getByTestId("eab-hmac").textContent()).trim();
  await shot(page, "acme-eab");
  await page
    .getByRole("link", { name: /^ACME-/ })
    .first()
    .click();
  await page.getByRole("heading", { name: /ACME 利用情報: ACME-/ }).waitFor();
  expect((await page.locator("dl.fields").textContent()).includes(`acme2.${DOMAIN}`), "the registered names");
  await shot(page, "acme-detail");

  // Exports, statistics, allow list, the officer's own certificate.
  await visit(page, "#/exports", "exports");
  const tsv = await saveDownload(
    page,
    () => page.getByRole("button", { name: /serverAll\.tsv/ }).click(),
    "serverAll.tsv",
  );
  seen.export_bytes = tsv.length;
  await visit(page, "#/statistics", "statistics");
  await page.locator("svg.chart").waitFor();
  await visit(page, "#/allowlist", "allowlist");
  await page.getByRole("cell", { name: "Information Center" }).waitFor();
  // The officer certificate's renewal window is open (the test widened it): renew from the account page.
  await visit(page, "#/account", "account");
  await page.getByRole("button", { name: "登録担当者証明書を更新する" }).click();
  await page.locator("#password").waitFor({ timeout: 60_000 });
  const renewed = await saveDownload(page, () => page.locator("#download").click(), "renewed.p12");
  expect(renewed.length > 1000, "the renewed PKCS#12");
  await page.getByLabel("ファイルとパスワードを保存しました").check();
  await shot(page, "account-renewed");

  // A phone's width: the menu moves above the page, nothing overflows the window.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${CONSOLE}#/certificates`);
  await page.locator("tbody tr").first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow <= 0, `no horizontal scrolling of the page at 390 px (${overflow} px)`);
  await shot(page, "certificates-phone");
  await page.setViewportSize({ width: 1280, height: 900 });

  // The language is remembered by the server: a new page in English stays English.
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/me/language") && r.status() === 200),
    page.locator("button.lang").click(),
  ]);
  await page.goto(CONSOLE);
  await page.reload();
  await page.getByRole("heading", { level: 1, name: /Welcome/ }).waitFor();
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/me/language") && r.status() === 200),
    page.locator("button.lang").click(),
  ]);
  await page.getByRole("heading", { level: 1, name: /ようこそ/ }).waitFor();

  await page.getByRole("button", { name: "ログアウト" }).click();
  await page.getByRole("heading", { name: "ログアウトしました" }).waitFor();
  await shot(page, "logged-out");
}

// The subscriber's mailed link: the console's download page, no certificate needed.
async function subscriber() {
  const browser = await launch();
  const page = await browser.newPage({ locale: "en-US" });
  await page.goto(env("INKAN_DOWNLOAD_LINK"));
  await page.getByRole("heading", { level: 1, name: "Certificate download" }).waitFor();
  await shot(page, "subscriber-download");
  const pem = await saveDownload(
    page,
    () => page.getByRole("button", { name: "Certificate and intermediate CAs (PEM)" }).click(),
    "fullchain.pem",
  );
  await browser.close();
  return { fullchain: pem.toString("utf8") };
}

// A client certificate: the end user's link waits for the PINs, the subscriber
// fetches the PIN file once, then the end user's PIN opens the PKCS#12 once.
async function credentials() {
  const browser = await launch();
  const page = await browser.newPage({ locale: "ja-JP" });
  await page.goto(env("INKAN_CREDENTIAL_LINK"));
  await page.getByRole("heading", { level: 1, name: "証明書 (PKCS#12) の取得" }).waitFor();
  await page.getByText(/利用管理者がまだアクセスPINを受け取っていません/).waitFor();
  expect((await page.locator("form.action").count()) === 0, "no PIN form before the PINs were fetched");
  await shot(page, "credential-waiting");

  await page.goto(env("INKAN_PINS_LINK"));
  await page.getByRole("heading", { level: 1, name: "アクセスPINの取得" }).waitFor();
  expect((await page.locator("#pin-entries").textContent()).trim() === "1", "one certificate in the PIN file");
  await shot(page, "pins");
  const zip = await saveDownload(
    page,
    () => page.getByRole("button", { name: "アクセスPINのファイルを取得" }).click(),
    "pins.zip",
  );
  await page.getByText("アクセスPINのファイルは取得済みです。").waitFor();
  expect((await page.getByRole("button", { name: "アクセスPINのファイルを取得" }).count()) === 0, "fetched once");

  await page.goto(env("INKAN_CREDENTIAL_LINK"));
  await page.reload();
  await page.getByLabel("アクセスPIN").fill("WRONG-PIN-0000");
  await page.getByRole("button", { name: "PKCS#12 ファイルをダウンロード" }).click();
  await page.getByText(/アクセスPINが違います。あと 4 回/).waitFor();
  await page.getByLabel("アクセスPIN").fill(env("INKAN_PIN"));
  const p12 = await saveDownload(
    page,
    () => page.getByRole("button", { name: "PKCS#12 ファイルをダウンロード" }).click(),
    "credential.p12",
  );
  await page.getByText("この証明書はすでに取得されています。").waitFor();
  await shot(page, "credential-collected");
  await browser.close();
  return {
    pins_zip: join(DOWNLOADS, "pins.zip"),
    zip_bytes: zip.length,
    p12: join(DOWNLOADS, "credential.p12"),
    p12_bytes: p12.length,
  };
}

if (process.env.INKAN_WALK === "credentials") {
  console.log(JSON.stringify(await credentials()));
} else if (SUBSCRIBER) {
  console.log(JSON.stringify(await subscriber()));
} else {
  const seen = { p12_bytes: await pickup() };
  await console_(seen);
  console.log(JSON.stringify(seen));
}
