/*
 * duplicates.js: the Duplicates screen against the sandbox. The till has one
 * article twice (the second SKU differs only in case and a blank); the
 * Products Queue refuses the second; the screen lists the pair with its
 * links, and "Keep this one" moves the shop product's link to it.
 */
"use strict";
const t = require("./lib");

t.main(async (ctx) => {
	const sb = await ctx.sandbox(["--seed", "21", "--customers", "0", "--products", "1", "--orders", "0"]);
	if (!t.ok(sb, "the sandbox started"))
		return;
	const s0 = await (await fetch(sb.control + "/state")).json();
	const first = s0.eposnow.products[0];
	const auth = "Basic " + Buffer.from(sb.eposnow.api_key + ":" + sb.eposnow.api_secret).toString("base64");
	const made = await (await fetch(sb.eposnow.base_url + "/Product", {
		method: "POST", headers: { Authorization: auth, "Content-Type": "application/json" },
		body: JSON.stringify({ Name: "Second copy", Sku: " " + first.Sku.toLowerCase(), SalePrice: 3, CostPrice: 1,
			EatOutPrice: 3, SellOnWeb: true }),
	})).json();
	const second = Array.isArray(made) ? made[0] : made;
	if (!t.ok(second && second.Id, "a second Epos Now product with the same SKU"))
		return;

	await ctx.daemon(async (cli) => {
		cli("account", "add", "corner-shop");
		cli("connection", "add", "--account", "corner-shop", "--kind", "eposnow", "--url", sb.eposnow.base_url,
			"--key", sb.eposnow.api_key, "--secret-file", "-", { input: sb.eposnow.api_secret });
		cli("connection", "add", "--account", "corner-shop", "--kind", "woocommerce", "--url", sb.woocommerce.base_url,
			"--key", sb.woocommerce.consumer_key, "--secret-file", "-", { input: sb.woocommerce.consumer_secret });
		/* the daemon's first products scan runs at start */
		cli("account", "set", "corner-shop", "stock_master=pos", "product_sync=on");
		cli("user", "add", "ann", "--role", "merchant", "--account", "corner-shop");
	});
	const page = await ctx.page();
	await ctx.login(page, "ann");

	await t.until(async () => {
		await ctx.show(page, "#/queue/products?account=corner-shop&status=failed");
		return (await page.textContent("#page")).includes("More than one Epos Now product has this SKU");
	}, "the second copy is refused in the Products Queue");

	await ctx.show(page, "#/duplicates?account=corner-shop");
	t.eq(await page.textContent("#page h2"), "Epos Now: SKU " + first.Sku.toLowerCase(), "the pair is listed under its SKU");
	t.eq(await page.$$eval("table.duplicates tbody tr", (r) => r.length), 2, "both products");
	t.ok((await page.textContent("table.duplicates")).includes("not linked"), "with which one is linked");
	await ctx.shot(page, "screen-20-duplicates");

	await page.click("button.keep[data-id='" + second.Id + "']");
	await t.until(async () => (await page.textContent("#notice")).includes("queued for an update"), "Keep this one says what it did");
	t.ok((await page.textContent("#notice")).includes("POS product " + first.Id + " is no longer linked"), "the link moved", await page.textContent("#notice"));
	await ctx.show(page, "#/duplicates?account=corner-shop&after=merge");   /* a new address: the screen is read again */
	const linked = await page.$eval("table.duplicates", (tb) => Array.from(tb.querySelectorAll("tbody tr"))
		.map((r) => r.querySelector("td[data-label='Id']").textContent + "=" + r.querySelector("td[data-label='Linked to']").textContent));
	t.ok(linked.some((x) => x.startsWith(second.Id + "=") && !x.endsWith("not linked")), "the kept one is now the linked one", linked.join(", "));
});
