/*
 * link-retry.js: the help pages' main case, end to end against the
 * sandbox's Epos Now and WooCommerce. A till user changes a customer's
 * loyalty points; Sync Now brings the change in; the Customers Queue item
 * fails with "Customer is not linked". In the dashboard the merchant finds
 * it, links the customer (found in WooCommerce by e-mail), presses Retry and
 * sees "Successfully Updated"; WooCommerce then has the points.
 */
"use strict";
const t = require("./lib");

t.main(async (ctx) => {
	const sb = await ctx.sandbox(["--seed", "7", "--customers", "3", "--products", "2", "--orders", "0"]);
	if (!t.ok(sb, "the sandbox started"))
		return;
	const state = async () => (await fetch(sb.control + "/state")).json();
	const s0 = await state();
	const pos = s0.eposnow.customers.find((c) => c.EmailAddress);
	const shop = s0.woocommerce.customers.find((c) => c.email === pos.EmailAddress);
	if (!t.ok(pos && shop, "the sandbox has one customer in both, with one e-mail"))
		return;

	await ctx.daemon(async (cli) => {
		cli("account", "add", "corner-shop");
		cli("connection", "add", "--account", "corner-shop", "--kind", "eposnow", "--url", sb.eposnow.base_url,
			"--key", sb.eposnow.api_key, "--secret-file", "-", { input: sb.eposnow.api_secret });
		cli("connection", "add", "--account", "corner-shop", "--kind", "woocommerce", "--url", sb.woocommerce.base_url,
			"--key", sb.woocommerce.consumer_key, "--secret-file", "-", { input: sb.woocommerce.consumer_secret });
		/* Epos Now is the stock master and customer sync is on (seed 000); the
		 * scheduler's own cycles wait a day: Sync Now drives this test */
		cli("account", "set", "corner-shop", "stock_master=pos", "customer_sync=on", "cycle_interval=24h");
		cli("user", "add", "ann", "--role", "merchant", "--account", "corner-shop");
	});
	const page = await ctx.page();
	await ctx.login(page, "ann");

	/* the daemon's first customers cycle only records what the till has */
	await t.until(async () => {
		await ctx.show(page, "#/health?account=corner-shop");
		return (await page.textContent(".card.feed[data-feed=customers] .badge")) === "OK";
	}, "the first customers cycle", 30000, 500);
	t.ok(true, "the health monitor shows the first customers sync");
	t.ok(await page.isVisible("text=Customers from Epos Now"), "the health monitor names the POS");

	/* a till user changes the customer's points, as at the counter */
	const points = 4242;
	const r = await fetch(sb.control + "/eposnow/customers/" + pos.Id, {
		method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ CurrentPoints: points }),
	});
	t.eq(r.status, 200, "the till changed customer " + pos.Id);

	await page.click("#sync-now");
	await page.waitForSelector("#job[data-state]:not([data-state=running])", { timeout: 60000 });
	t.eq(await page.getAttribute("#job", "data-state"), "succeeded", "Sync Now read the change");
	t.ok(/Customers: \d+ read, 1 change queued/.test(await page.textContent("#job-phase")), "one change queued",
		await page.textContent("#job-phase"));

	/* find the failed Customers Queue item by its Comment */
	const query = "#/queue/customers?account=corner-shop&status=failed&text=" + encodeURIComponent("Customer is not linked");
	const row = await t.until(async () => {
		await ctx.show(page, query);
		return page.$("tr[data-status=failed]");
	}, "the failed item", 30000, 500);
	t.ok(row, "a failed Customers Queue item with \"Customer is not linked\"");
	t.ok((await row.textContent()).includes("Customer is not linked"), "its Comment in the list");
	await ctx.shot(page, "link-retry-01-failed-item");
	await page.click("tr[data-status=failed] a");
	await page.waitForSelector("#item-comment");
	await page.waitForSelector("#page[data-ready]");
	t.eq((await page.textContent("#item-comment p")).trim(), "Customer is not linked", "the item's Comment");
	t.ok((await page.textContent("#page h1")).includes("customer " + pos.Id), "the Epos Now customer");
	t.ok(await page.isVisible("#customer-link >> text=is not linked to a WooCommerce customer"), "the link panel says so");

	/* link it: the WooCommerce customer with the same e-mail, one press */
	await page.click("#find-customer");
	const cand = await page.waitForSelector(`.candidates button[data-shop-id="${shop.id}"]`, { timeout: 30000 });
	t.ok((await page.textContent(".candidates")).includes(shop.email), "WooCommerce customer found by e-mail");
	await ctx.shot(page, "link-retry-02-candidate");
	await cand.click();
	await page.waitForSelector("#customer-link .linked");
	t.eq(await page.getAttribute("#customer-link .linked", "data-shop-id"), String(shop.id), "linked to WooCommerce customer " + shop.id);

	/* retry, and watch it succeed */
	await page.click("#item-retry");
	await page.waitForFunction(() => {
		const c = document.querySelector("#item-comment");
		return c && c.getAttribute("data-status") === "succeeded";
	}, null, { timeout: 60000 });
	t.eq((await page.textContent("#item-comment p")).trim(), "Successfully Updated", "the Comment says Successfully Updated");
	t.ok(await page.isVisible("table.attempts >> text=Customer is not linked") &&
		await page.isVisible("table.attempts >> text=Successfully Updated"), "each attempt's comment in the history");
	await ctx.shot(page, "link-retry-03-successfully-updated");

	/* and WooCommerce has the points (one way: Epos Now -> WooCommerce) */
	const s1 = await state();
	const after = s1.woocommerce.customers.find((c) => c.id === shop.id);
	const meta = (after.meta_data || []).find((m) => m.key === "_tillsync_loyalty_points");
	t.eq(meta && String(meta.value), String(points), "WooCommerce customer " + shop.id + " has the new points");

	await ctx.show(page, "#/status?account=corner-shop");
	t.ok(await page.isVisible(".integration[data-role=pos] >> text=Epos Now"), "the status page names Epos Now");
	t.ok(!/\b(null|undefined|NaN|\[object \w+\])/.test(await page.textContent("#page")), "no stray values on the status page");
	t.ok(await page.isVisible(".integration[data-role=shop] >> text=Customers Queue, sent to WooCommerce"), "when the Customers Queue last sent to WooCommerce");
	await page.click(".integration[data-role=shop] button.test");
	await page.waitForSelector(".integration[data-role=shop] .test-result.ok", { timeout: 30000 });
	t.ok(true, "Test Connection reaches both sides");
	await ctx.shot(page, "link-retry-04-status");
	t.eq(page.foreign, [], "nothing fetched from outside the daemon");
	t.eq(page.errors, [], "no script errors");
});
