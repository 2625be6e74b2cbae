/*
 * sync-now.js: press Sync Now and watch the job's progress reach the end:
 * the bar moves through every feed, the job ends "succeeded" with what each
 * feed did, and the Status page lists it.
 */
"use strict";
const t = require("./lib");

t.main(async (ctx) => {
	await ctx.daemon(t.seed);
	const page = await ctx.page();
	await ctx.login(page, "ann");

	/* every change of the bar, as the person sees it */
	await page.evaluate(() => {
		window.seen = [];
		const bar = document.getElementById("job"), btn = document.getElementById("sync-now");
		const note = () => {
			const p = document.getElementById("job-progress");
			window.seen.push({ state: bar.getAttribute("data-state"), value: p.value, max: p.max,
				phase: document.getElementById("job-phase").textContent, pressable: !btn.disabled });
		};
		new MutationObserver(note).observe(bar, { attributes: true, subtree: true, childList: true, characterData: true });
		new MutationObserver(note).observe(btn, { attributes: true });
	});
	t.ok(await page.isHidden("#job"), "no progress bar before Sync Now");
	await page.click("#sync-now");
	await page.waitForSelector("#job:not([hidden])");
	await ctx.shot(page, "sync-now-01-running");
	await page.waitForSelector("#job[data-state]:not([data-state=running])", { timeout: 60000 });
	const end = await page.evaluate(() => ({
		state: document.getElementById("job").getAttribute("data-state"),
		value: document.getElementById("job-progress").value,
		max: document.getElementById("job-progress").max,
		count: document.getElementById("job-count").textContent,
		title: document.getElementById("job-title").textContent,
		phase: document.getElementById("job-phase").textContent,
	}));
	t.eq(end.state, "succeeded", "the job succeeded");
	t.eq([end.value, end.max, end.count], [6, 6, "6 of 6"], "progress reached the end: every feed");
	t.eq(end.title, "Sync Now finished", "the bar says it finished");
	t.ok(end.phase.includes("Customers: no POS connection yet"), "and what each feed did", end.phase);
	const seen = await page.evaluate(() => window.seen);
	t.ok(seen.some((s) => s.state === "running"), "progress was shown while it ran");
	t.ok(seen.filter((s) => s.state === "running").every((s) => !s.pressable), "Sync Now cannot be pressed twice while it runs");
	t.ok(seen.every((s, i) => i === 0 || s.value >= seen[i - 1].value), "progress never went back");
	t.ok(await page.isEnabled("#sync-now"), "Sync Now can be pressed again");
	await ctx.shot(page, "sync-now-02-finished");

	/* the job is on the status page and in the logs */
	await ctx.show(page, "#/status?account=shop1");
	t.ok(await page.isVisible("text=sync-now"), "the status page lists the job");
	const jobs = JSON.parse(ctx.cli("--json", "jobs"));
	t.eq(jobs.map((j) => [j.account, j.kind, j.state, j.done, j.total]), [["shop1", "sync-now", "succeeded", 6, 6]], "one job in the store");
	await ctx.show(page, "#/logs?account=shop1&type=info");
	t.ok(await page.isVisible("text=ann pressed Sync Now"), "who pressed it is logged");
	await page.click("#job-close");
	t.ok(await page.isHidden("#job"), "the finished bar can be closed");
	t.eq(page.errors, [], "no script errors");
});
