/*
 * merchant.js: a merchant user sees and acts on its own account only. The
 * picker offers only its account; another account's screens, items and
 * API answers are refused, and none of its data reaches the page.
 */
"use strict";
const t = require("./lib");

t.main(async (ctx) => {
	await ctx.daemon(t.seed);
	const other = JSON.parse(ctx.cli("--json", "queue", "list", "--account", "shop2"))[0];
	const page = await ctx.page();
	await ctx.login(page, "ann");

	t.eq(await page.$$eval("#account option", (o) => o.map((x) => x.value)), ["shop1"], "the picker has only ann's account");
	t.ok(await page.isDisabled("#account"), "and nothing to pick");
	t.ok(page.url().includes("account=shop1"), "ann lands on shop1", page.url());

	for (const hash of ["#/health?account=shop2", "#/status?account=shop2", "#/queue/customers?account=shop2",
		"#/logs?account=shop2&type=error", "#/inbound?account=shop2", "#/settings?account=shop2"]) {
		await ctx.show(page, hash);
		const err = await page.textContent("#page p.error").catch(() => "");
		t.ok(err.includes("no account 'shop2' for you"), "refused: " + hash, err);
	}
	await ctx.shot(page, "merchant-01-other-account-refused");
	await ctx.show(page, "#/item/" + other.id + "?account=shop1");
	t.ok((await page.textContent("#page p.error")).includes("no queue item " + other.id), "another account's item is not found");
	t.ok(!(await page.content()).includes("customer 202"), "nothing of shop2's item on the page");

	/* the API itself, from the logged-in page: read and write refused */
	const answers = await page.evaluate(async (id) => {
		const csrf = (await (await fetch("api/me")).json()).csrf;
		const get = async (p) => (await fetch("api" + p)).status;
		const post = async (p, b) => (await fetch("api" + p, { method: "POST", headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json" }, body: JSON.stringify(b) })).status;
		return [await get("/items?account=shop2"), await get("/items/" + id), await get("/health?account=shop2"),
			await post("/items/" + id + "/retry", {}), await post("/jobs", { account: "shop2", kind: "sync-now" }),
			await post("/links", { account: "shop2", entity: "customer", pos_id: "202", shop_id: "1" })];
	}, other.id);
	t.eq(answers, [403, 404, 403, 404, 403, 403], "the API refuses another account's data and actions");
	t.eq(ctx.cli("--json", "links", "list", "--account", "shop2").trim(), "[]", "nothing was linked in shop2");

	/* bob, shop2's merchant, sees shop2 only */
	const bob = await ctx.page();
	await ctx.login(bob, "bob");
	t.eq(await bob.$$eval("#account option", (o) => o.map((x) => x.value)), ["shop2"], "bob has only shop2");
	await ctx.show(bob, "#/queue/customers?account=shop2");
	t.ok(await bob.isVisible("tr[data-id='" + other.id + "']"), "bob sees shop2's item");
	await ctx.shot(bob, "merchant-02-own-account");
	t.eq(page.errors.concat(bob.errors), [], "no script errors");
});
