/*
 * lib.js: what every browser test shares. A private store and a real
 * `tillsync run` on a free loopback port, Debian's chromium driven by
 * playwright-core, screenshots into the build tree, and TAP-like output
 * ending with "N passed, N failed".
 *
 *	const t = require("./lib");
 *	t.main(async (ctx) => {
 *		const d = await ctx.daemon(async (cli) => { cli("account", "add", "shop1"); ... });
 *		const page = await ctx.page();
 *		await ctx.login(page, d, "ann");
 *		t.ok(await page.isVisible("text=Health Monitor"), "health monitor shows");
 *	});
 *
 * Environment (set by CMakeLists.txt): TILLSYNC (the binary), ARTIFACTS (the
 * screenshot folder), CHROMIUM (default /usr/bin/chromium), SANDBOX (the
 * sandbox binary, for the tests that need a POS and a shop).
 * Exits 77 (ctest's skip code) only when chromium is not installed at all.
 */
"use strict";

const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const readline = require("node:readline");

const SKIP = 77;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const PASSWORD = "correct horse battery";

let passes = 0, fails = 0;

function ok(cond, what, extra) {
	if (cond) {
		passes++;
		console.log("ok - " + what);
	} else {
		fails++;
		console.log("not ok - " + what + (extra !== undefined ? ": " + extra : ""));
	}
	return !!cond;
}

function eq(got, want, what) {
	return ok(JSON.stringify(got) === JSON.stringify(want), what, "got " + JSON.stringify(got) + ", want " + JSON.stringify(want));
}

/* Resolves when fn() is truthy (its value), rejects with what after ms. */
async function until(fn, what, ms = 15000, every = 100) {
	const end = Date.now() + ms;
	let last;
	for (;;) {
		try {
			last = await fn();
			if (last)
				return last;
		} catch (e) {
			last = e;
		}
		if (Date.now() > end)
			throw new Error("timed out waiting for " + what + (last instanceof Error ? " (" + last.message + ")" : ""));
		await new Promise((r) => setTimeout(r, every));
	}
}

/* The first line a child prints that matches re, within ms. */
function lineMatching(child, re, ms, what) {
	return new Promise((resolve, reject) => {
		const rl = readline.createInterface({ input: child.stdout });
		const timer = setTimeout(() => reject(new Error(what + " did not start within " + ms + " ms")), ms);
		rl.on("line", (line) => {
			const m = line.match(re);
			if (m) {
				clearTimeout(timer);
				resolve(m);
			}
		});
		child.on("exit", (code) => {
			clearTimeout(timer);
			reject(new Error(what + " exited with " + code + " before it was ready"));
		});
	});
}

class Ctx {
	constructor() {
		this.dir = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), "tsbrowser."));
		this.db = path.join(this.dir, "t.db");
		this.children = [];
		this.browser = null;
		this.artifacts = process.env.ARTIFACTS || path.join(this.dir, "artifacts");
		fs.mkdirSync(this.artifacts, { recursive: true });
		this.bin = process.env.TILLSYNC;
		if (!this.bin)
			throw new Error("set TILLSYNC to the tillsync binary");
	}

	/* Runs `tillsync ARGS...` on the private store; its stdout. */
	cli(...args) {
		let input;
		if (args.length && typeof args[args.length - 1] === "object") {
			input = args.pop().input;
		}
		return execFileSync(this.bin, args, {
			env: { ...process.env, TILLSYNC_DB: this.db, TILLSYNC_PASSWORD: PASSWORD },
			input, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"],
		});
	}

	/* Seeds the store with setup(cli), then starts the daemon; {url, pid}. */
	async daemon(setup) {
		this.cli("init");
		if (setup)
			await setup((...a) => this.cli(...a));
		const child = spawn(this.bin, ["run", "--threads", "2", "--listen", "127.0.0.1:0"], {
			env: { ...process.env, TILLSYNC_DB: this.db },
			stdio: ["ignore", "pipe", fs.openSync(path.join(this.dir, "run.err"), "w")],
		});
		this.children.push(child);
		this.daemonChild = child;
		const m = await lineMatching(child, /^tillsync: listening on (http:\S+)/, 15000, "tillsync run");
		this.url = m[1];
		return { url: m[1], child };
	}

	/* The sandbox's ready line (JSON), or null when it is not built. */
	async sandbox(args) {
		const bin = process.env.SANDBOX;
		if (!bin || !fs.existsSync(bin))
			return null;
		const child = spawn(bin, args || ["--seed", "7", "--customers", "5", "--products", "5", "--orders", "0"], {
			stdio: ["ignore", "pipe", fs.openSync(path.join(this.dir, "sandbox.err"), "w")],
		});
		this.children.push(child);
		const m = await lineMatching(child, /^(\{.*\})$/, 30000, "tillsync-sandbox");
		return JSON.parse(m[1]);
	}

	async page(opts) {
		if (!this.browser) {
			const { chromium } = require("playwright-core");
			this.browser = await chromium.launch({
				executablePath: CHROMIUM,
				args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
					"--disable-background-networking", "--disable-component-update", "--disable-sync"],
			});
		}
		const context = await this.browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
		const page = await context.newPage();
		page.errors = [];
		page.on("pageerror", (e) => page.errors.push(e.message));
		page.on("console", (m) => {
			/* a 401/403/404 the test provokes shows as a console error; script errors are what count */
			if (m.type() === "error" && !/Failed to load resource/.test(m.text()))
				page.errors.push(m.text());
		});
		/* the dashboard must never reach past the daemon: no CDN, no fonts, nothing */
		page.foreign = [];
		page.on("request", (r) => {
			if (!r.url().startsWith(this.url) && !r.url().startsWith("data:"))
				page.foreign.push(r.url());
		});
		return page;
	}

	async login(page, name, password) {
		await page.goto(this.url + "/");
		await page.fill("#login-name", name);
		await page.fill("#login-password", password || PASSWORD);
		await page.click("#login-form button[type=submit]");
		await page.waitForSelector("#page[data-ready]");
	}

	/* Goes to a screen (hash) and waits until it is drawn. */
	async show(page, hash) {
		await page.evaluate(() => document.getElementById("page") && document.getElementById("page").removeAttribute("data-ready"));
		await page.evaluate((h) => { location.hash = h; }, hash);
		await page.waitForSelector("#page[data-ready]");
	}

	async shot(page, name) {
		const file = path.join(this.artifacts, name + ".png");
		await page.screenshot({ path: file, fullPage: true });
		return file;
	}

	async close() {
		if (this.browser)
			await this.browser.close().catch(() => {});
		for (const c of this.children.slice().reverse()) {   /* the daemon before the sandbox it talks to */
			if (c.exitCode === null && c.signalCode === null) {
				c.kill("SIGTERM");
				await Promise.race([new Promise((r) => c.on("exit", r)), new Promise((r) => setTimeout(r, 15000))]);
				if (c.exitCode === null && c.signalCode === null)
					c.kill("SIGKILL");
			}
		}
		/* the daemon stops cleanly: exit 0, and under the sanitizers no report */
		if (this.daemonChild) {
			const err = fs.readFileSync(path.join(this.dir, "run.err"), "utf8");
			ok(this.daemonChild.exitCode === 0 && !/Sanitizer|runtime error/.test(err), "the daemon stopped cleanly",
				"exit " + this.daemonChild.exitCode + " " + this.daemonChild.signalCode + "\n" + err.slice(-3000));
		}
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

/* Runs a test body with a fresh context; prints the summary; exits 0, 1 or 77. */
function main(body) {
	if (!fs.existsSync(CHROMIUM)) {
		console.log("skip: " + CHROMIUM + " is not installed (bash scripts/install-browser-deps.sh installs it)");
		process.exit(SKIP);
	}
	const ctx = new Ctx();
	const limit = setTimeout(() => {
		console.log("not ok - the test did not finish within 5 minutes");
		process.exit(1);
	}, 5 * 60 * 1000);
	(async () => {
		try {
			await body(ctx);
		} catch (e) {
			ok(false, "test ran to the end", e.stack || e.message);
		} finally {
			await ctx.close();
			clearTimeout(limit);
		}
		console.log(passes + " passed, " + fails + " failed");
		process.exit(fails || !passes ? 1 : 0);
	})();
}

/* The account, users and queue items most tests start from. */
function seed(cli) {
	cli("account", "add", "shop1");
	cli("account", "add", "shop2");
	cli("account", "set", "shop1", "stock_master=pos", "customer_sync=on");
	cli("queue", "add", "--account", "shop1", "--queue", "customers", "--subject", "customer:101");
	cli("queue", "add", "--account", "shop1", "--queue", "orders", "--subject", "order:5001");
	cli("queue", "add", "--account", "shop2", "--queue", "customers", "--subject", "customer:202");
	cli("user", "add", "ann", "--role", "merchant", "--account", "shop1");
	cli("user", "add", "bob", "--role", "merchant", "--account", "shop2");
	cli("user", "add", "sue", "--role", "support");
}

module.exports = { main, ok, eq, until, seed, PASSWORD };
