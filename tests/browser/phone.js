/*
 * phone.js: every screen on a phone-sized viewport renders without
 * sideways scrolling; a screenshot of each is kept (phone-*.png).
 */
"use strict";
const t = require("./lib");

t.main(async (ctx) => {
	await ctx.daemon(async (cli) => {
		t.seed(cli);
		/* long words are what push a narrow page sideways */
		cli("queue", "add", "--account", "shop1", "--queue", "customers", "--subject", "customer:" + "9".repeat(60));
		cli("account", "set", "shop1", "webhook_url=https://sync.example-with-a-rather-long-host-name.com/hooks/path/that/goes/on");
	});
	const items = JSON.parse(ctx.cli("--json", "queue", "list", "--account", "shop1"));
	const page = await ctx.page({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
	await page.goto(ctx.url + "/");
	await page.waitForSelector("#login:not([hidden])");
	const wide = () => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
	let w = await wide();
	t.ok(w.scroll <= w.client, "login fits", JSON.stringify(w));
	await ctx.login(page, "sue");

	const screens = [
		["#/health?account=shop1", "phone-01-health"],
		["#/status?account=shop1", "phone-02-status"],
		["#/queue/customers?account=shop1", "phone-03-queue"],
		["#/item/" + items[0].id + "?account=shop1", "phone-04-item"],
		["#/logs?account=shop1&type=error", "phone-05-logs"],
		["#/inbound?account=shop1", "phone-06-inbound"],
		["#/settings?account=shop1", "phone-07-settings"],
	];
	for (const [hash, shot] of screens) {
		await ctx.show(page, hash);
		w = await wide();
		t.ok(w.scroll <= w.client, "no sideways scrolling on " + hash, JSON.stringify(w));
		await ctx.shot(page, shot);
	}
	await page.click("#sync-now");
	await page.waitForSelector("#job[data-state]:not([data-state=running])", { timeout: 60000 });
	w = await wide();
	t.ok(w.scroll <= w.client, "no sideways scrolling with the Sync Now bar", JSON.stringify(w));
	await ctx.shot(page, "phone-08-sync-now");
	t.eq(page.errors, [], "no script errors");
});
