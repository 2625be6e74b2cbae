/*
 * screens.js: log in as support, see the health monitor and every other
 * screen, and keep a screenshot of each (ARTIFACTS/screen-*.png). Nothing
 * is fetched from outside the daemon, and no script error happens.
 */
"use strict";
const t = require("./lib");

t.main(async (ctx) => {
	await ctx.daemon(t.seed);
	const items = JSON.parse(ctx.cli("--json", "queue", "list", "--account", "shop1"));
	const page = await ctx.page();

	await page.goto(ctx.url + "/");
	await page.waitForSelector("#login:not([hidden])");
	t.ok(await page.isVisible("#login-form"), "the login form shows first");
	await ctx.shot(page, "screen-00-login");
	await page.fill("#login-name", "sue");
	await page.fill("#login-password", "wrong password!");
	await page.click("#login-form button[type=submit]");
	await t.until(async () => (await page.textContent("#login-error")).includes("Wrong name or password"), "the refusal");
	t.ok(true, "a wrong password is refused in words");

	await ctx.login(page, "sue");
	t.eq(await page.textContent("#page h1"), "Health Monitor", "support lands on the health monitor");
	const options = await page.$$eval("#account option", (o) => o.map((x) => x.value));
	t.eq(options, ["shop1", "shop2"], "support picks from every account");
	t.eq(await page.$$eval(".card.feed h2", (h) => h.map((x) => x.firstChild.textContent.trim())),
		["Customers", "Customer types", "Orders", "Products", "Inventory", "Stock check"], "last sync per feed");
	t.ok(await page.isVisible("table.counts"), "counts per queue and status");
	t.ok(await page.isVisible("text=Auto-correction"), "auto-correction status");
	t.ok(await page.isVisible("svg.chart"), "chart of items per hour");
	await t.until(async () => {
		await ctx.show(page, "#/health?account=shop1");
		return Number(await page.getAttribute(".chart-wrap", "data-total")) > 0;
	}, "the workers' first attempts in the chart", 20000, 500);
	t.ok(await page.$$eval("svg.chart rect[class^=o-]", (r) => r.length) > 0, "the chart draws the attempts");
	await ctx.shot(page, "screen-01-health");

	const screens = [
		["#/status?account=shop1", "Status", "screen-02-status"],
		["#/queue/customers?account=shop1", "Customers Queue", "screen-03-queue-customers"],
		["#/queue/customer_types?account=shop1", "Customer Types Queue", "screen-04-queue-customer-types"],
		["#/queue/orders?account=shop1", "Orders Queue", "screen-05-queue-orders"],
		["#/queue/products?account=shop1", "Products Queue", "screen-06-queue-products"],
		["#/queue/inventory?account=shop1", "Inventory Queue", "screen-07-queue-inventory"],
		["#/queue/categories?account=shop1", "Categories Queue", "screen-08-queue-categories"],
		["#/queue/promotions?account=shop1", "Promotions Queue", "screen-09-queue-promotions"],
		["#/item/" + items.find((i) => i.queue === "customers").id + "?account=shop1", null, "screen-10-item"],
		["#/logs?account=shop1&type=notification", "Logs", "screen-11-logs-notification"],
		["#/logs?account=shop1&type=error", "Logs", "screen-12-logs-error"],
		["#/logs?account=shop1&type=info", "Logs", "screen-13-logs-info"],
		["#/inbound?account=shop1", "Inbound log", "screen-14-inbound"],
		["#/settings?account=shop1", "Settings", "screen-15-settings"],
	];
	for (const [hash, title, shot] of screens) {
		await ctx.show(page, hash);
		const h1 = (await page.textContent("#page h1")).trim();
		if (title)
			t.eq(h1, title, "screen " + hash);
		else
			t.ok(h1.startsWith("customer 101"), "screen " + hash, h1);
		t.ok(!(await page.$("#page p.error[role=alert]")), "no error on " + hash);
		t.ok(!/\b(null|undefined|NaN|\[object \w+\])/.test(await page.textContent("#page")), "no stray values on " + hash);
		await ctx.shot(page, shot);
	}

	/* the item view: Comment, attempt history with each attempt's comment, actions */
	await ctx.show(page, "#/item/" + items.find((i) => i.queue === "customers").id + "?account=shop1");
	t.ok(await page.isVisible("#item-comment"), "the item's Comment");
	t.ok(await page.isVisible("text=Attempt history"), "the attempt history");
	t.ok(await page.isVisible("#item-retry") && await page.isVisible("#item-cancel"), "Retry and Cancel");
	t.ok(await page.isVisible("#customer-link"), "the customer link panel");

	/* the queue's filters go into the address, so a filtered list can be shared */
	await ctx.show(page, "#/queue/customers?account=shop1");
	await page.selectOption("select[name=status]", "failed");
	await page.fill("input[name=text]", "101");
	await page.click("form.filters button[type=submit]");
	await page.waitForSelector("#page[data-ready]");
	t.ok(page.url().includes("status=failed") && page.url().includes("text=101"), "filters in the address", page.url());

	/* settings: the seed pages' words; secrets never shown */
	await ctx.show(page, "#/settings?account=shop1");
	t.ok(await page.isVisible("label[for=set-customer_sync]:has-text('Customer sync')"), "Customer sync setting");
	t.ok(await page.isVisible("label[for=set-stock_master]:has-text('Stock master')"), "Stock master setting");
	t.eq((await page.textContent("#set-webhook_secret")).trim(), "not set", "the webhook secret is never shown");
	await page.fill("#set-cycle_interval", "2m");
	await page.click("#settings-form button[type=submit]");
	await t.until(async () => ctx.cli("--json", "account", "show", "shop1").includes('"cycle_interval": "120000"'), "the setting stored");
	t.ok(true, "a setting saved from the form");

	/* logs by type */
	await ctx.show(page, "#/logs?account=shop1&type=info");
	t.ok(await page.isVisible("text=changed 1 setting"), "the info log shows the change");

	/* paging: 25 a page, "Older" and back to "Newest" */
	for (let i = 0; i < 30; i++)
		ctx.cli("queue", "add", "--account", "shop2", "--queue", "promotions", "--subject", "coupon:" + i);
	await ctx.show(page, "#/queue/promotions?account=shop2");
	t.eq(await page.$$eval("table.items tbody tr[data-id]", (r) => r.length), 25, "the first page has 25 items");
	await page.click(".pager a:has-text('Older')");
	await page.waitForSelector("#page[data-ready] .pager a:has-text('Newest')");
	t.eq(await page.$$eval("table.items tbody tr[data-id]", (r) => r.length), 5, "the older page has the other 5");
	await ctx.shot(page, "screen-16-queue-paging");

	/* operator actions: Cancel one item, Retry all failed with the same Comment */
	page.on("dialog", (d) => d.accept());
	const order = items.find((i) => i.queue === "orders");
	await ctx.show(page, "#/item/" + order.id + "?account=shop1");
	if (await page.isEnabled("#item-cancel")) {
		await page.click("#item-cancel");
		await page.waitForSelector("#item-comment[data-status=cancelled]");
	}
	t.eq(JSON.parse(ctx.cli("--json", "queue", "show", String(order.id))).status, "cancelled", "Cancel from the item view");
	await ctx.show(page, "#/queue/customers?account=shop1&status=failed");
	const failed = await page.$$eval("table.items tbody tr[data-id]", (r) => r.length);
	await page.click(".bulk button");
	/* the Cancel's notice may still be up: wait for this action's own */
	await t.until(async () => (await page.textContent("#notice")).includes("will be tried again"), "the bulk retry's notice");
	t.ok((await page.textContent("#notice")).includes(failed + " item" + (failed === 1 ? "" : "s") + " will be tried again"),
		"Retry all failed with the same Comment", await page.textContent("#notice"));

	t.eq(page.foreign, [], "nothing fetched from outside the daemon");
	t.eq(page.errors, [], "no script errors");
});
