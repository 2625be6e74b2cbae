/*
 * app.js: the tillsync dashboard. Plain JavaScript against the admin API
 * (/api, see src/server/api.h): no framework, nothing from another origin,
 * no inline script or style (the server sends a strict CSP), so it works
 * offline and is built into the binary (web/embed.cmake).
 *
 * Screens are addressed by the URL's hash, so each can be bookmarked and
 * the browser's Back works:
 *
 *	#/health?account=A         Health Monitor (the landing screen)
 *	#/status?account=A         Status: the most recent activity per integration
 *	#/queue/customers?account=A&status=failed&text=...
 *	#/item/42?account=A        one item: Comment, attempt history, Retry, Cancel, link the customer
 *	#/logs?account=A&type=notification
 *	#/inbound?account=A        Inbound log: did a change reach us at all?
 *	#/duplicates?account=A     products sharing a SKU, and merging them
 *	#/settings?account=A
 *
 * Every value from the server is put on the page as text (textContent),
 * never as markup. State-changing requests carry the session's CSRF token.
 */
"use strict";

(() => {
	const $ = (id) => document.getElementById(id);

	const state = {
		me: null,             /* {name, role, account?} */
		csrf: "",
		meta: null,           /* queues, statuses, feeds, settings: GET /api/meta */
		accounts: [],
		account: "",
		names: { pos: "POS", shop: "Shop" },   /* the account's connectors, e.g. Epos Now, WooCommerce */
		refresh: null,        /* the current screen's refresh timer */
		job: null,            /* Sync Now being watched */
		route: "",
	};

	/* The order merchants look for them in: customers first (the help pages' main case). */
	const QUEUE_ORDER = ["customers", "customer_types", "orders", "products", "inventory", "categories", "promotions"];
	const STATUS_WORDS = {
		pending: "Pending", running: "Running", retry: "Will retry", succeeded: "Succeeded",
		skipped: "Skipped", failed: "Failed", cancelled: "Cancelled",
	};
	const OUTCOME_WORDS = {
		succeeded: "Succeeded", skipped: "Skipped", retry: "Failed, will retry", failed: "Failed",
		abandoned: "Abandoned (worker stopped)",
	};
	const FEED_WORDS = { customers: "Customers", customer_types: "Customer types", orders: "Orders", products: "Products",
		inventory: "Inventory", stock_check: "Stock check" };
	const SETTING_WORDS = {
		stock_master: "Stock master",
		customer_sync: "Customer sync",
		product_sync: "Product sync",
		prices_include_tax: "Shop prices include tax",
		missing_category: "Product in a category the shop lacks",
		product_removed: "Product archived or unmarked in the POS",
		tier_map: "Price tiers to quantity prices",
		inventory_sync: "Inventory sync",
		stock_location: "POS stock location",
		auto_correct: "Auto-correction of shop stock",
		catalog_interval: "Full product sync every",
		loyalty_meta_key: "Loyalty points field in the shop",
		cycle_interval: "Sync cycle every",
		retry_max_attempts: "Tries before an item waits for you",
		retry_base: "First retry after",
		retry_cap: "Longest wait between retries",
		webhook_url: "Webhook URL",
		webhook_secret: "Webhook secret",
	};
	const LOG_TYPES = [["notification", "Notification"], ["error", "Error"], ["info", "Info"]];

	/* ---- small helpers ------------------------------------------------- */

	/* h("a", {href: "#", class: "x", onclick: f}, "text", child...) */
	function h(tag, props, ...kids) {
		const el = tag.startsWith("svg:") ?
			document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4)) :
			document.createElement(tag);
		for (const [k, v] of Object.entries(props || {})) {
			if (v === undefined || v === null || v === false)
				continue;
			if (k.startsWith("on"))
				el.addEventListener(k.slice(2), v);
			else if (k === "text")
				el.textContent = v;
			else if (v === true)
				el.setAttribute(k, "");
			else
				el.setAttribute(k, String(v));
		}
		for (const kid of kids.flat(Infinity)) {
			if (kid === undefined || kid === null || kid === false)
				continue;
			el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
		}
		return el;
	}

	function clear(el) {
		while (el.firstChild)
			el.firstChild.remove();
		return el;
	}

	function link(screen, params, text, cls) {
		return h("a", { href: href(screen, params), class: cls }, text);
	}

	function href(screen, params) {
		const q = new URLSearchParams();
		if (state.account)
			q.set("account", state.account);
		for (const [k, v] of Object.entries(params || {}))
			if (v !== undefined && v !== null && v !== "")
				q.set(k, v);
		return "#/" + screen + "?" + q.toString();
	}

	function when(iso) {
		if (!iso)
			return "never";
		const d = new Date(iso);
		return d.toLocaleString(undefined, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
	}

	function ago(iso) {
		if (!iso)
			return "";
		const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
		if (s < 0)
			return "in " + span(-s);
		return span(s) + " ago";
	}

	function span(s) {
		if (s < 60)
			return s + " s";
		if (s < 3600)
			return Math.round(s / 60) + " min";
		if (s < 172800)
			return Math.round(s / 3600) + " h";
		return Math.round(s / 86400) + " days";
	}

	function time(iso) {
		return h("time", { datetime: iso || undefined, title: iso || undefined }, iso ? when(iso) + " (" + ago(iso) + ")" : "never");
	}

	function badge(status, words) {
		return h("span", { class: "badge s-" + status }, (words || STATUS_WORDS)[status] || status);
	}

	/* "POS (Epos Now)" once the account's POS is known, else "POS" */
	function sideName(role) {
		const side = role === "pos" ? "POS" : "Shop", name = state.names[role];
		return name && name !== side ? name + " (" + side + ")" : side;
	}

	function queueTitle(name) {
		const q = (state.meta && state.meta.queues || []).find((x) => x.name === name);
		return q ? q.title : name;
	}

	function direction(d) {
		return d === "pos_to_shop" ? state.names.pos + " → " + state.names.shop :
			d === "shop_to_pos" ? state.names.shop + " → " + state.names.pos : d;
	}

	/* A table that turns into labelled cards on a phone (app.css). */
	function table(cols, rows, opts) {
		const head = h("tr", null, cols.map((c) => h("th", { scope: "col" }, c[0])));
		const body = h("tbody");
		for (const r of rows) {
			const tr = h("tr", opts && opts.rowProps ? opts.rowProps(r) : null);
			for (const [label, cell] of cols) {
				const v = cell(r);
				tr.append(h("td", { "data-label": label }, v === "" ? "—" : v));
			}
			body.append(tr);
		}
		if (!rows.length)
			body.append(h("tr", { class: "empty" }, h("td", { colspan: cols.length }, (opts && opts.empty) || "Nothing here yet.")));
		return h("table", { class: "data" + (opts && opts.cls ? " " + opts.cls : "") }, h("thead", null, head), body);
	}

	function section(title, ...kids) {
		return h("section", { class: "card" }, h("h2", null, title), ...kids);
	}

	function notice(msg, kind) {
		const n = $("notice");
		n.textContent = msg;
		n.className = "notice " + (kind || "error");
		n.hidden = false;
		clearTimeout(notice.timer);
		notice.timer = setTimeout(() => { n.hidden = true; }, kind === "ok" ? 4000 : 10000);
	}

	/* ---- the API -------------------------------------------------------- */

	class ApiError extends Error {
		constructor(status, message) {
			super(message);
			this.status = status;
		}
	}

	async function api(method, path, body) {
		const opt = { method, headers: {}, credentials: "same-origin", cache: "no-store" };
		if (method !== "GET")
			opt.headers["X-CSRF-Token"] = state.csrf;
		if (body !== undefined) {
			opt.headers["Content-Type"] = "application/json";
			opt.body = JSON.stringify(body);
		}
		let r;
		try {
			r = await fetch("api" + path, opt);
		} catch (e) {
			throw new ApiError(0, "tillsync is not answering (is the daemon running?)");
		}
		let data = null;
		try {
			data = await r.json();
		} catch (e) {
			data = null;
		}
		if (r.status === 401 && path !== "/login" && path !== "/me") {
			showLogin("Your session ended; log in again.");
			throw new ApiError(401, "log in first");
		}
		if (!r.ok)
			throw new ApiError(r.status, (data && data.error) || "HTTP " + r.status);
		return data;
	}

	function qs(params) {
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(params))
			if (v !== undefined && v !== null && v !== "")
				q.set(k, v);
		const s = q.toString();
		return s ? "?" + s : "";
	}

	/* ---- log in, log out, start ----------------------------------------- */

	function showLogin(msg) {
		stopTimers();
		state.me = null;
		$("session").hidden = true;
		$("menu").hidden = true;
		$("job").hidden = true;
		const view = $("view");
		for (const el of Array.from(view.children))
			if (el.id !== "login")
				el.remove();
		$("login").hidden = false;
		$("login-error").textContent = msg || "";
		$("login-name").focus();
	}

	async function onLogin(ev) {
		ev.preventDefault();
		const name = $("login-name").value.trim(), password = $("login-password").value;
		$("login-error").textContent = "";
		try {
			await api("POST", "/login", { name, password });
			$("login-password").value = "";
			await start();
		} catch (e) {
			$("login-error").textContent = e.status === 401 ? "Wrong name or password." : e.message;
		}
	}

	async function onLogout() {
		try {
			await api("POST", "/logout");
		} catch (e) {
			/* the session is gone either way */
		}
		sessionStorage.removeItem("tillsync.account");
		showLogin("You are logged out.");
	}

	async function start() {
		let me;
		try {
			me = await api("GET", "/me");
		} catch (e) {
			showLogin(e.status === 401 ? "" : e.message);
			return;
		}
		state.me = me;
		state.csrf = me.csrf || "";
		try {
			[state.meta, state.accounts] = await Promise.all([api("GET", "/meta"), api("GET", "/accounts")]);
		} catch (e) {
			notice(e.message);
			return;
		}
		$("login").hidden = true;
		$("session").hidden = false;
		$("menu").hidden = false;
		$("who").textContent = me.name + (me.role === "support" ? " (support)" : "");
		const sel = clear($("account"));
		for (const a of state.accounts)
			sel.append(h("option", { value: a.name }, a.name));
		/* a merchant has its own account only: nothing to pick */
		sel.disabled = state.accounts.length <= 1;
		const fromHash = parseHash().params.get("account");
		const saved = sessionStorage.getItem("tillsync.account");
		state.account = fromHash || (state.accounts.some((a) => a.name === saved) ? saved : "") ||
			(me.account || (state.accounts[0] && state.accounts[0].name) || "");
		sel.value = state.account;
		await loadNames();
		if (!location.hash || location.hash === "#" || location.hash === "#/")
			location.replace(href("health"));
		else
			route();
	}

	/* The account's POS and shop, by the names merchants know them by. */
	async function loadNames() {
		state.names = { pos: "POS", shop: "Shop" };
		if (!state.account)
			return;
		try {
			const act = await api("GET", "/activity" + qs({ account: state.account }));
			for (const i of act.integrations)
				if (i.configured)
					state.names[i.role] = i.name;
		} catch (e) {
			/* the screen itself reports what is wrong */
		}
	}

	/* ---- routing -------------------------------------------------------- */

	function parseHash() {
		const raw = location.hash.replace(/^#\/?/, "");
		const [path, query] = raw.split("?");
		const parts = (path || "health").split("/").map(decodeURIComponent);
		return { screen: parts[0] || "health", arg: parts[1] || "", params: new URLSearchParams(query || "") };
	}

	function stopTimers() {
		clearInterval(state.refresh);
		state.refresh = null;
	}

	const SCREENS = {
		health: { title: "Health Monitor", draw: drawHealth, every: 15000 },
		status: { title: "Status", draw: drawStatus, every: 30000 },
		queue: { title: "Queue", draw: drawQueue },
		item: { title: "Queue item", draw: drawItem },
		logs: { title: "Logs", draw: drawLogs },
		inbound: { title: "Inbound log", draw: drawInbound },
		duplicates: { title: "Duplicates", draw: drawDuplicates },
		settings: { title: "Settings", draw: drawSettings },
	};

	function drawMenu(cur) {
		const menu = clear($("menu"));
		const item = (screen, params, text, active) =>
			h("a", { href: href(screen, params), "aria-current": active ? "page" : undefined }, text);
		menu.append(item("health", null, "Health Monitor", cur.screen === "health"));
		menu.append(item("status", null, "Status", cur.screen === "status"));
		const queues = state.meta.queues.slice().sort((a, b) => QUEUE_ORDER.indexOf(a.name) - QUEUE_ORDER.indexOf(b.name));
		for (const q of queues)
			menu.append(item("queue/" + q.name, null, q.title,
				(cur.screen === "queue" && cur.arg === q.name) || (cur.screen === "item" && cur.queue === q.name)));
		menu.append(item("logs", null, "Logs", cur.screen === "logs"));
		menu.append(item("inbound", null, "Inbound log", cur.screen === "inbound"));
		menu.append(item("duplicates", null, "Duplicates", cur.screen === "duplicates"));
		menu.append(item("settings", null, "Settings", cur.screen === "settings"));
		/* on a phone the menu is one strip: keep the current screen in view */
		const here = menu.querySelector("[aria-current]");
		if (here && menu.scrollWidth > menu.clientWidth)
			here.scrollIntoView({ block: "nearest", inline: "center" });
	}

	async function route() {
		if (!state.me)
			return;
		stopTimers();
		const cur = parseHash();
		const acc = cur.params.get("account");
		if (acc && acc !== state.account) {
			state.account = acc;
			$("account").value = acc;
			await loadNames();
		}
		if (state.account)
			sessionStorage.setItem("tillsync.account", state.account);
		const screen = SCREENS[cur.screen] || SCREENS.health;
		state.route = location.hash;
		drawMenu(cur);
		const view = $("view");
		const page = h("div", { class: "page", id: "page", "data-screen": cur.screen });
		for (const el of Array.from(view.children))
			if (el.id !== "login")
				el.remove();
		view.append(page);
		document.title = screen.title + " · tillsync";
		if (!state.account) {
			page.append(h("h1", null, screen.title), h("p", { class: "empty" },
				"There is no account yet. Add one with: tillsync account add NAME"));
			return;
		}
		const draw = async () => {
			try {
				const content = await screen.draw(cur);
				if (state.route !== location.hash)
					return;   /* the person moved on while we waited */
				clear(page).append(...[].concat(content).filter((x) => x !== null && x !== undefined && x !== false));
				page.setAttribute("data-ready", "1");
			} catch (e) {
				if (e.status === 401)
					return;
				clear(page).append(h("h1", null, screen.title), h("p", { class: "error", role: "alert" }, e.message));
				page.setAttribute("data-ready", "1");
			}
		};
		await draw();
		if (screen.every)
			state.refresh = setInterval(() => {
				if (!document.hidden && state.route === location.hash)
					draw();
			}, screen.every);
	}

	/* ---- Health Monitor -------------------------------------------------- */

	async function drawHealth() {
		const acc = state.account;
		const [hl, hourly] = await Promise.all([
			api("GET", "/health" + qs({ account: acc })),
			api("GET", "/stats/hourly" + qs({ account: acc, hours: 24 })),
		]);
		const out = [h("h1", null, "Health Monitor")];

		const feeds = h("div", { class: "grid" });
		for (const f of hl.feeds) {
			const side = state.names[f.role];
			feeds.append(h("section", { class: "card feed", "data-feed": f.feed },
				h("h2", null, (FEED_WORDS[f.feed] || f.feed) + " ", h("span", { class: "muted" }, "from " + side)),
				h("p", null, badge(f.state === "ok" ? "succeeded" : f.state === "error" ? "failed" : "pending",
					{ succeeded: "OK", failed: "Error", pending: f.state === "not configured" ? "Not configured" :
						f.state === "off" ? "Switched off" : "Not run yet" })),
				h("dl", { class: "facts" },
					h("dt", null, "Last successful sync"), h("dd", null, time(f.last_success_at)),
					h("dt", null, "Read in the last successful run"), h("dd", null, String(f.synced_count)),
					h("dt", null, "Errors in the last run"), h("dd", null, String(f.errors_last_run)),
					f.last_error ? [h("dt", null, "Last error"), h("dd", { class: "error" }, f.last_error)] : null)));
		}
		out.push(feeds);

		const t = hl.totals;
		const failedLinks = state.meta.queues.filter((q) => hl.queues[q.name] && hl.queues[q.name].failed > 0)
			.map((q) => h("li", null, link("queue/" + q.name, { status: "failed" }, q.title + ": " + hl.queues[q.name].failed + " failed")));
		out.push(h("div", { class: "grid" },
			section("Errors",
				h("p", { class: "big" }, String(t.failed), h("span", { class: "muted" }, " failed items wait for you · " + t.retry + " will retry")),
				failedLinks.length ? h("ul", { class: "plain" }, failedLinks) : null,
				hl.recent_errors.length ?
					h("ul", { class: "log" }, hl.recent_errors.map((e) => h("li", null, time(e.at), " ", h("span", { class: "svc" }, e.service), " ", e.message))) :
					h("p", { class: "muted" }, "No errors logged."),
				link("logs", { type: "error" }, "All error logs")),
			section("Auto-correction",
				h("p", null, badge(hl.auto_correction.enabled ? "succeeded" : "cancelled",
					{ succeeded: "Enabled", cancelled: "Off" })),
				h("p", null, hl.auto_correction.enabled ?
					"Each orders cycle checks the shop's webhooks and re-enables any that " + state.names.shop + " disabled." :
					"Set the Webhook URL in Settings so changes arrive at once and disabled webhooks are repaired."),
				h("p", null, h("strong", null, String(hl.auto_correction.corrections)), " corrections made so far"),
				hl.auto_correction.recent.length ?
					h("ul", { class: "log" }, hl.auto_correction.recent.map((e) => h("li", null, time(e.at), " ", e.message))) : null),
			section("Background jobs",
				hl.running_jobs.length ?
					h("ul", { class: "plain" }, hl.running_jobs.map((j) => h("li", null, j.kind + ": " + (j.phase || "starting") + " ",
						h("progress", { max: j.total || 1, value: j.done }), " " + j.done + " of " + j.total))) :
					h("p", { class: "muted" }, "None running. Sync Now starts one."))));

		const statuses = state.meta.statuses;
		const queues = state.meta.queues.slice().sort((a, b) => QUEUE_ORDER.indexOf(a.name) - QUEUE_ORDER.indexOf(b.name));
		out.push(section("Queues",
			table([["Queue", (q) => link("queue/" + q.name, null, q.title)]].concat(statuses.map((s) => [STATUS_WORDS[s] || s,
				(q) => {
					const n = hl.queues[q.name] ? hl.queues[q.name][s] : 0;
					return n ? link("queue/" + q.name, { status: s }, String(n), "count s-" + s) : h("span", { class: "zero" }, "0");
				}])), queues, { cls: "counts" })));

		out.push(section("Items per hour by outcome", chart(hourly),
			h("p", { class: "muted" }, "Every try of every queue item in the last 24 hours, by the hour it ended.")));
		return out;
	}

	/* Stacked bars, one per hour: inline SVG built here, coloured by app.css. */
	function chart(data) {
		/* drawn for the screen it is on: a phone gets fewer, larger labels */
		const narrow = window.matchMedia("(max-width: 700px)").matches;
		const W = narrow ? 360 : 720, H = narrow ? 200 : 220, L = 34, R = 6, T = 10, B = 30;
		const n = data.buckets.length;
		const totals = data.buckets.map((b) => data.outcomes.reduce((s, o) => s + b[o], 0));
		let max = Math.max(1, ...totals);
		const step = Math.pow(10, Math.floor(Math.log10(max)));
		max = Math.ceil(max / step) * step;
		const bw = (W - L - R) / n;
		const y = (v) => T + (H - T - B) * (1 - v / max);
		const sum = totals.reduce((a, b) => a + b, 0);
		const svg = h("svg:svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img",
			"aria-label": `Items per hour by outcome: ${sum} in the last ${n} hours` });
		for (const v of [0, max / 2, max]) {
			svg.append(h("svg:line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" }));
			svg.append(h("svg:text", { x: L - 6, y: y(v) + 4, class: "axis", "text-anchor": "end" }, String(Math.round(v))));
		}
		data.buckets.forEach((b, i) => {
			let acc = 0;
			const x = L + i * bw + 1;
			const hour = new Date(b.hour);
			const label = hour.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
			const g = h("svg:g", { class: "bar" });
			g.append(h("svg:title", null, label + ": " + (data.outcomes.map((o) => b[o] + " " + (OUTCOME_WORDS[o] || o).toLowerCase()).join(", "))));
			for (const o of data.outcomes) {
				if (!b[o])
					continue;
				g.append(h("svg:rect", { x, width: Math.max(1, bw - 2), y: y(acc + b[o]), height: y(acc) - y(acc + b[o]), class: "o-" + o }));
				acc += b[o];
			}
			/* a hit area so the hour's title shows on an empty bar too */
			g.append(h("svg:rect", { x, width: Math.max(1, bw - 2), y: T, height: H - T - B, class: "hit" }));
			svg.append(g);
			if (i % Math.ceil(n / (narrow ? 4 : 8)) === 0)
				svg.append(h("svg:text", { x: x + bw / 2, y: H - 10, class: "axis", "text-anchor": "middle" }, label));
		});
		const legend = h("ul", { class: "legend" }, data.outcomes.map((o) =>
			h("li", null, h("span", { class: "swatch o-" + o }), (OUTCOME_WORDS[o] || o) + " ",
				h("span", { class: "muted" }, String(data.buckets.reduce((s, b) => s + b[o], 0))))));
		return h("div", { class: "chart-wrap", "data-total": sum }, svg, legend);
	}

	/* ---- Status ----------------------------------------------------------- */

	async function drawStatus() {
		const act = await api("GET", "/activity" + qs({ account: state.account }));
		const out = [h("h1", null, "Status"),
			h("p", { class: "muted" }, "The most recent activity for each of your integrated solutions. If orders or changes happened since, and nothing shows here, something is wrong.")];
		const grid = h("div", { class: "grid" });
		for (const i of act.integrations) {
			const result = h("p", { class: "test-result", "aria-live": "polite" });
			const btn = h("button", { type: "button", class: "test", onclick: () => testConnection(result, btn) }, "Test Connection");
			const rows = act.activity.map((a) => ({ a, verb: a.direction === (i.role === "pos" ? "shop_to_pos" : "pos_to_shop") ? "sent to " + (i.name) : "read from " + i.name }));
			grid.append(h("section", { class: "card integration", "data-role": i.role },
				h("h2", null, sideName(i.role)),
				i.configured ?
					h("dl", { class: "facts" },
						h("dt", null, "Kind"), h("dd", null, i.kind),
						h("dt", null, "Address"), h("dd", { class: "url" }, i.base_url),
						h("dt", null, "Credentials"), h("dd", null, i.credentials_set ? "set (never shown)" : "missing"),
						i.feeds.map((f) => [h("dt", null, (FEED_WORDS[f.feed] || f.feed) + " last synced"),
							h("dd", null, time(f.last_success_at), f.last_error ? h("span", { class: "error" }, " · " + f.last_error) : null)]),
						h("dt", null, "Last change seen"),
						h("dd", null, i.last_change_seen ? [time(i.last_change_seen.at), " · " + i.last_change_seen.summary] : "none yet"),
						rows.filter((r) => r.a.items).map((r) => [h("dt", null, r.a.title + ", " + r.verb),
							h("dd", null, r.a.last_success_at ? ["last succeeded ", time(r.a.last_success_at)] : "nothing succeeded yet")])) :
					h("p", null, "Not configured. Add it with: tillsync connection add --account " + state.account + " --kind …"),
				h("p", null, btn), result));
		}
		out.push(grid);
		out.push(section("Queues: latest work",
			table([
				["Queue", (r) => link("queue/" + r.queue, null, r.title)],
				["Direction", (r) => direction(r.direction)],
				["Last success", (r) => time(r.last_success_at)],
				["Last activity", (r) => time(r.last_activity_at)],
				["Items", (r) => String(r.items)],
			], act.activity, { empty: "No queue has had an item yet." })));
		out.push(section("Recent jobs", jobsTable(act.recent_jobs)));
		return out;
	}

	function jobsTable(jobs) {
		return table([
			["Job", (j) => j.kind],
			["State", (j) => badge(j.state === "running" ? "running" : j.state === "succeeded" ? "succeeded" : j.state === "failed" ? "failed" : "cancelled",
				{ running: "Running", succeeded: "Succeeded", failed: "Failed", cancelled: j.state })],
			["Progress", (j) => j.state === "running" ? (j.phase || "") + " · " + j.done + " of " + j.total : j.message],
			["Started", (j) => time(j.started_at)],
			["Finished", (j) => j.finished_at ? time(j.finished_at) : ""],
		], jobs, { empty: "No jobs yet." });
	}

	async function testConnection(result, btn) {
		btn.disabled = true;
		result.textContent = "Testing…";
		result.className = "test-result";
		try {
			const r = await api("POST", "/accounts/" + encodeURIComponent(state.account) + "/test-connection");
			clear(result);
			for (const x of r.results)
				result.append(h("span", { class: x.ok ? "ok" : "error", "data-role": x.role },
					(x.name || (x.role === "pos" ? "POS" : "Shop")) + ": " + x.message), h("br"));
			result.className = "test-result " + (r.ok ? "ok" : "error");
		} catch (e) {
			result.textContent = e.message;
			result.className = "test-result error";
		} finally {
			btn.disabled = false;
		}
	}

	/* ---- a queue ------------------------------------------------------- */

	async function drawQueue(cur) {
		const name = cur.arg;
		const p = cur.params;
		const status = p.get("status") || "", text = p.get("text") || "", before = p.get("before") || "";
		const res = await api("GET", "/items" + qs({ account: state.account, queue: name, status, text, before, limit: 25 }));
		const title = queueTitle(name);
		const out = [h("h1", null, title)];

		const statusSel = h("select", { name: "status", "aria-label": "Status" },
			h("option", { value: "" }, "Any status"),
			state.meta.statuses.map((s) => h("option", { value: s, selected: s === status }, STATUS_WORDS[s] || s)));
		const textIn = h("input", { name: "text", type: "search", value: text, placeholder: "Text in the Comment or subject id", "aria-label": "Text" });
		out.push(h("form", { class: "filters", onsubmit: (ev) => {
			ev.preventDefault();
			location.hash = href("queue/" + name, { status: statusSel.value, text: textIn.value.trim() });
		} }, h("label", null, "Status ", statusSel), h("label", { class: "grow" }, "Text ", textIn),
		h("button", { type: "submit" }, "Filter"),
		(status || text) ? link("queue/" + name, null, "Clear", "button-link") : null));

		/* the Comments of failed items on this page: retry all failed with the same one */
		const comments = [...new Set(res.items.filter((i) => i.status === "failed" || i.status === "retry").map((i) => i.comment))];
		if (comments.length) {
			const sel = h("select", { "aria-label": "Comment" }, comments.map((c) => h("option", { value: c }, c)));
			out.push(h("div", { class: "bulk" }, h("label", null, "Retry all failed with the Comment ", sel),
				h("button", { type: "button", onclick: () => retryAllFailed(name, sel.value) }, "Retry all failed")));
		}

		out.push(table([
			["Item", (i) => link("item/" + i.id, null, "#" + i.id)],
			["Subject", (i) => i.subject_type + " " + i.subject_id],
			["Status", (i) => badge(i.status)],
			["Comment", (i) => h("span", { class: "comment" }, i.comment)],
			["Tries", (i) => i.attempts + " of " + i.max_attempts],
			["Updated", (i) => time(i.updated_at)],
		], res.items, {
			cls: "items",
			empty: status || text ? "No item matches." : "This queue is empty. If a change you expected is not here, check the Inbound log: it shows whether the change reached tillsync at all.",
			rowProps: (i) => ({ "data-id": i.id, "data-status": i.status }),
		}));
		const pager = h("div", { class: "pager" });
		if (before)
			pager.append(link("queue/" + name, { status, text }, "Newest", "button-link"));
		if (res.next_before)
			pager.append(link("queue/" + name, { status, text, before: res.next_before }, "Older", "button-link"));
		out.push(pager);
		return out;
	}

	async function retryAllFailed(queue, comment) {
		if (!confirm("Retry every failed item in the " + queueTitle(queue) + " with the Comment \"" + comment + "\"?"))
			return;
		try {
			const r = await api("POST", "/items/retry-failed", { account: state.account, queue, comment });
			notice(r.retried + " item" + (r.retried === 1 ? "" : "s") + " will be tried again.", "ok");
			route();
		} catch (e) {
			notice(e.message);
		}
	}

	/* ---- one item ------------------------------------------------------ */

	async function drawItem(cur) {
		const it = await api("GET", "/items/" + encodeURIComponent(cur.arg));
		cur.queue = it.queue;
		drawMenu(cur);
		if (it.account && it.account !== state.account) {
			state.account = it.account;
			$("account").value = it.account;
		}
		const out = [h("p", { class: "crumbs" }, link("queue/" + it.queue, null, it.queue_title), " › Item #" + it.id)];
		out.push(h("h1", null, it.subject_type + " " + it.subject_id + " ", badge(it.status)));
		out.push(h("div", { class: "comment-box", id: "item-comment", "data-status": it.status },
			h("span", { class: "label" }, "Comment"), h("p", null, it.comment || "No Comment yet: not tried.")));

		const final = ["succeeded", "skipped", "failed", "cancelled"].includes(it.status);
		const actions = h("div", { class: "actions" },
			h("button", { type: "button", class: "primary", id: "item-retry", disabled: it.status === "running" || it.status === "pending",
				onclick: () => itemAction(it, "retry") }, "Retry"),
			h("button", { type: "button", id: "item-cancel", disabled: !["pending", "retry", "failed"].includes(it.status),
				onclick: () => itemAction(it, "cancel") }, "Cancel"),
			it.status === "failed" || it.status === "retry" ?
				h("button", { type: "button", onclick: () => retryAllFailed(it.queue, it.comment) }, "Retry all failed with this Comment") : null);
		out.push(actions);

		out.push(h("dl", { class: "facts wide" },
			h("dt", null, "Queue"), h("dd", null, it.queue_title),
			h("dt", null, "Direction"), h("dd", null, direction(it.direction)),
			h("dt", null, "Why it was queued"), h("dd", null, it.reason),
			h("dt", null, "Tries"), h("dd", null, it.attempts + " of " + it.max_attempts),
			it.next_try_at ? [h("dt", null, "Next try"), h("dd", null, time(it.next_try_at))] : null,
			it.coalesced ? [h("dt", null, "Later changes folded in"), h("dd", null, String(it.coalesced))] : null,
			h("dt", null, "Queued"), h("dd", null, time(it.created_at)),
			h("dt", null, "Last change"), h("dd", null, time(it.updated_at))));

		if (it.subject_type === "customer")
			out.push(await customerLink(it));

		out.push(section("Attempt history", table([
			["Try", (a) => String(a.attempt)],
			["Outcome", (a) => badge(a.outcome === "abandoned" ? "cancelled" : a.outcome, { [a.outcome === "abandoned" ? "cancelled" : a.outcome]: OUTCOME_WORDS[a.outcome] || a.outcome })],
			["Comment", (a) => h("span", { class: "comment" }, a.comment)],
			["Ended", (a) => time(a.finished_at)],
			["Worker", (a) => a.worker],
			["Answer", (a) => a.detail ? h("details", null, h("summary", null, "Show"), h("pre", null, a.detail)) : ""],
		], it.attempt_history, { cls: "attempts", empty: "Not tried yet." })));

		/* follow a retried item until it has an outcome */
		if (!final && !state.refresh) {
			const started = Date.now();
			state.refresh = setInterval(() => {
				if (state.route !== location.hash || Date.now() - started > 5 * 60 * 1000) {
					stopTimers();
					return;
				}
				api("GET", "/items/" + it.id).then((now) => {
					if (now.status !== it.status || now.attempts !== it.attempts)
						route();
				}).catch(() => {});
			}, 1000);
		}
		return out;
	}

	async function itemAction(it, action) {
		try {
			const r = await api("POST", "/items/" + it.id + "/" + action);
			if (r.result === "superseded") {
				notice("A newer change for this subject is already waiting (item " + r.by_item + "); it carries the work.", "ok");
				location.hash = href("item/" + r.by_item);
				return;
			}
			notice(action === "retry" ? "Item " + it.id + " will be tried again now." : "Item " + it.id + " cancelled.", "ok");
			route();
		} catch (e) {
			notice(e.message);
		}
	}

	/* The customer's link: shown, made (by the shop's e-mail match or an id typed in) or removed. */
	async function customerLink(it) {
		const posId = it.subject_id, pos = state.names.pos, shop = state.names.shop;
		let links = [];
		try {
			links = await api("GET", "/links" + qs({ account: it.account, entity: "customer" }));
		} catch (e) {
			return section("Customer link", h("p", { class: "error" }, e.message));
		}
		const l = links.find((x) => x.pos_id === posId);
		const box = section("Customer link");
		box.classList.add("link-box");
		box.setAttribute("id", "customer-link");
		if (l) {
			box.append(h("p", { class: "linked", "data-shop-id": l.shop_id }, pos + " customer " + posId + " is linked to " + shop + " customer " + l.shop_id + "."),
				h("button", { type: "button", onclick: () => unlink(it) }, "Unlink"));
			return box;
		}
		box.append(h("p", null, pos + " customer " + posId + " is not linked to a " + shop + " customer. Link it, then press Retry."));
		const matches = h("div", { class: "matches", "aria-live": "polite" });
		box.append(h("button", { type: "button", id: "find-customer", onclick: (ev) => findCustomer(it, matches, ev.target) },
			"Find the " + shop + " customer by e-mail"), matches);
		const idIn = h("input", { name: "shop_id", id: "shop-id", inputmode: "numeric", required: true, placeholder: shop + " customer id", "aria-label": shop + " customer id" });
		box.append(h("form", { class: "filters", onsubmit: (ev) => { ev.preventDefault(); linkCustomer(it, idIn.value.trim()); } },
			h("label", { class: "grow" }, "Or link to " + shop + " customer id ", idIn), h("button", { type: "submit", id: "link-customer" }, "Link")));
		return box;
	}

	async function findCustomer(it, out, btn) {
		btn.disabled = true;
		clear(out).append(h("p", { class: "muted" }, "Asking " + state.names.pos + " and " + state.names.shop + "…"));
		try {
			const m = await api("GET", "/customer-match" + qs({ account: it.account, pos_id: it.subject_id }));
			const who = [m.pos.first_name, m.pos.last_name].filter(Boolean).join(" ");
			clear(out).append(h("p", null, state.names.pos + " customer " + m.pos.id + ": " + (who || "no name") + ", " + (m.pos.email || "no e-mail")));
			if (!m.pos.email)
				out.append(h("p", null, "Without an e-mail there is nothing to match by: type the " + m.shop_name + " customer id below."));
			else if (!m.candidates.length)
				out.append(h("p", null, "No " + m.shop_name + " customer has the e-mail " + m.pos.email + "."));
			else
				out.append(h("ul", { class: "plain candidates" }, m.candidates.map((c) => h("li", null,
					m.shop_name + " customer " + c.id + ": " + [c.first_name, c.last_name].filter(Boolean).join(" ") + ", " + c.email + " ",
					h("button", { type: "button", class: "primary", "data-shop-id": c.id, onclick: () => linkCustomer(it, c.id) }, "Link to this customer")))));
		} catch (e) {
			clear(out).append(h("p", { class: "error" }, e.message));
		} finally {
			btn.disabled = false;
		}
	}

	async function linkCustomer(it, shopId) {
		if (!shopId) {
			notice("Type the " + state.names.shop + " customer id first.");
			return;
		}
		try {
			await api("POST", "/links", { account: it.account, entity: "customer", pos_id: it.subject_id, shop_id: String(shopId) });
			notice("Linked. Press Retry to sync the customer now.", "ok");
			route();
		} catch (e) {
			notice(e.message);
		}
	}

	async function unlink(it) {
		if (!confirm("Unlink " + state.names.pos + " customer " + it.subject_id + "?"))
			return;
		try {
			await api("DELETE", "/links", { account: it.account, entity: "customer", pos_id: it.subject_id });
			notice("Unlinked.", "ok");
			route();
		} catch (e) {
			notice(e.message);
		}
	}

	/* ---- logs -------------------------------------------------------------- */

	async function drawLogs(cur) {
		const type = cur.params.get("type") || "notification", service = cur.params.get("service") || "";
		const logs = await api("GET", "/logs" + qs({ account: state.account, type: type === "all" ? "" : type }));
		const services = [...new Set(logs.map((e) => e.service))].sort();
		if (service && !services.includes(service))
			services.push(service);
		const shown = service ? logs.filter((e) => e.service === service) : logs;
		const svc = h("select", { "aria-label": "Service", onchange: () => { location.hash = href("logs", { type, service: svc.value }); } },
			h("option", { value: "" }, "All services"), services.map((s) => h("option", { value: s, selected: s === service }, s)));
		const tabs = h("div", { class: "tabs", role: "group", "aria-label": "Type of logs" },
			LOG_TYPES.concat([["all", "All"]]).map(([t, words]) =>
				h("a", { href: href("logs", { type: t, service }), class: "tab", "aria-current": t === type ? "true" : undefined }, words)));
		return [h("h1", null, "Logs"),
			h("div", { class: "filters" }, h("label", null, "Service ", svc), tabs),
			type === "notification" ? h("p", { class: "muted" }, "Notifications are the messages tillsync sent you on its own (for example an error that stays open). Not every service writes Error and Info logs, so those may be empty.") : null,
			table([
				["When", (e) => time(e.at)],
				["Service", (e) => e.service],
				["Type", (e) => e.type],
				["Message", (e) => h("span", { class: "comment" }, e.message)],
			], shown, { cls: "logs", empty: "No " + (type === "all" ? "" : type + " ") + "logs." })];
	}

	/* ---- inbound log ------------------------------------------------------- */

	async function drawInbound(cur) {
		const entity = cur.params.get("entity") || "", id = cur.params.get("id") || "";
		const ev = await api("GET", "/inbound" + qs({ account: state.account, entity, id }));
		const ent = h("select", { name: "entity", "aria-label": "Record" }, [["", "Any record"], ["customer", "Customers"], ["customer_type", "Customer types"], ["order", "Orders"], ["product", "Products"]]
			.map(([v, t]) => h("option", { value: v, selected: v === entity }, t)));
		const idIn = h("input", { name: "id", value: id, placeholder: "Id in " + state.names.pos + " or " + state.names.shop, "aria-label": "Id" });
		return [h("h1", null, "Inbound log"),
			h("p", { class: "muted" }, "Every change tillsync saw, by cycle or webhook. If a change is missing here, it never reached us."),
			h("form", { class: "filters", onsubmit: (e) => { e.preventDefault(); location.hash = href("inbound", { entity: ent.value, id: idIn.value.trim() }); } },
				h("label", null, "Record ", ent), h("label", { class: "grow" }, "Id ", idIn), h("button", { type: "submit" }, "Filter")),
			table([
				["When", (e) => time(e.at)],
				["How", (e) => e.source],
				["Record", (e) => e.entity + " " + e.remote_id],
				["What changed", (e) => e.summary],
				["Queue item", (e) => e.item_id ? link("item/" + e.item_id, null, "#" + e.item_id) : ""],
			], ev, { cls: "inbound", empty: "Nothing arrived yet." })];
	}

	/* ---- duplicates --------------------------------------------------------- */

	/* Keeping one product of a group: the POS product linked to the shop
	 * product kept; the group's linked member says the other side's id. */
	function keepButton(g, p) {
		const linked = g.products.find((x) => x.linked_to);
		const posId = g.side === "pos" ? p.id : (linked ? linked.linked_to : "");
		const shopId = g.side === "pos" ? (linked ? linked.linked_to : "") : p.id;
		if (!posId || !shopId)
			return h("span", { class: "muted" }, "Sync one of them first");
		return h("button", { type: "button", class: "keep", "data-id": p.id, onclick: async (e) => {
			e.target.disabled = true;
			try {
				const r = await api("POST", "/duplicates/merge", { account: state.account, pos: posId, shop: shopId });
				notice(r.done.trim().split("\n").join("; "), "ok");
			} catch (err) {
				notice(err.message);
			}
			e.target.disabled = false;
		} }, "Keep this one");
	}

	async function drawDuplicates() {
		const r = await api("GET", "/duplicates" + qs({ account: state.account }));
		const out = [h("h1", null, "Duplicates"),
			h("p", { class: "muted" }, "Products that share a SKU on one side (compared without case or blanks), read from both " +
				"catalogs just now: " + r.pos_products + " in " + state.names.pos + ", " + r.shop_products + " in " +
				state.names.shop + ". Keeping one links it across and sets the shop's other copies to draft; " +
				"archive the other copies in " + state.names.pos + " yourself.")];
		if (!r.groups.length)
			out.push(h("p", { class: "empty" }, "No SKU is used twice."));
		for (const g of r.groups)
			out.push(section((g.side === "pos" ? state.names.pos : state.names.shop) + ": SKU " + g.sku,
				table([
					["Id", (p) => p.id],
					["Name", (p) => p.name],
					["SKU as written", (p) => p.sku],
					["Linked to", (p) => p.linked_to || "not linked"],
					["", (p) => keepButton(g, p)],
				], g.products, { cls: "duplicates" })));
		return out;
	}

	/* ---- settings ---------------------------------------------------------- */

	function durationText(ms) {
		const v = Number(ms);
		for (const [unit, n] of [["d", 86400000], ["h", 3600000], ["m", 60000], ["s", 1000]])
			if (v >= n && v % n === 0)
				return v / n + unit;
		return v + "ms";
	}

	async function drawSettings() {
		const acc = await api("GET", "/accounts/" + encodeURIComponent(state.account));
		const fields = [];
		const form = h("form", { class: "settings", id: "settings-form" });
		for (const d of state.meta.settings) {
			const cur = acc.settings[d.key];
			const id = "set-" + d.key;
			let input;
			if (d.secret) {
				input = h("output", { id }, cur === "(set)" ? "set (never shown)" : "not set");
			} else if (d.type === "bool") {
				input = h("select", { id, name: d.key }, ["on", "off"].map((v) => h("option", { value: v, selected: v === cur }, v === "on" ? "On" : "Off")));
			} else if (d.type === "choice") {
				input = h("select", { id, name: d.key }, d.choices.map((v) => h("option", { value: v, selected: v === cur },
					d.key === "stock_master" ? sideName(v) : v)));
			} else if (d.type === "duration") {
				input = h("input", { id, name: d.key, value: durationText(cur), pattern: "[0-9]+(ms|s|m|h|d)?", "aria-describedby": id + "-help" });
			} else if (d.type === "int") {
				input = h("input", { id, name: d.key, type: "number", min: d.min, max: d.max, value: cur });
			} else {
				input = h("input", { id, name: d.key, value: cur, maxlength: d.max });
			}
			if (!d.secret)
				fields.push([d, input, input.value]);
			form.append(h("div", { class: "field" },
				h("label", { for: id }, SETTING_WORDS[d.key] || d.key),
				input,
				h("p", { class: "help", id: id + "-help" }, d.help + (d.type === "duration" ? " (e.g. 30s, 5m, 2h)" : ""))));
		}
		form.append(h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Save settings")));
		form.addEventListener("submit", async (ev) => {
			ev.preventDefault();
			const changed = {};
			for (const [d, input, was] of fields)
				if (input.value !== was)
					changed[d.key] = input.value;
			if (!Object.keys(changed).length) {
				notice("Nothing changed.", "ok");
				return;
			}
			try {
				await api("PUT", "/accounts/" + encodeURIComponent(state.account) + "/settings", changed);
				notice("Settings saved.", "ok");
				route();
			} catch (e) {
				notice(e.message);
			}
		});
		const result = h("p", { class: "test-result", "aria-live": "polite" });
		const btn = h("button", { type: "button", class: "test", onclick: () => testConnection(result, btn) }, "Test Connection");
		return [h("h1", null, "Settings"),
			h("p", { class: "muted" }, "Account " + acc.name + ". Secrets are never shown."),
			section("Sync", form),
			section("Connections",
				table([
					["Side", (c) => c.role === "pos" ? "POS" : "Shop"],
					["Kind", (c) => c.kind],
					["Address", (c) => h("span", { class: "url" }, c.base_url)],
					["Credentials", (c) => c.credentials_set ? "set (never shown)" : "missing"],
					["Changed", (c) => time(c.updated_at)],
				], acc.connections, { empty: "No connections yet: tillsync connection add --account " + acc.name + " …" }),
				h("p", null, btn), result)];
	}

	/* ---- Sync Now ---------------------------------------------------------- */

	async function syncNow() {
		if (!state.account)
			return;
		const btn = $("sync-now");
		btn.disabled = true;
		try {
			const r = await api("POST", "/jobs", { account: state.account, kind: "sync-now" });
			if (!r.started)
				notice("A sync is already running for " + state.account + ": showing it.", "ok");
			watchJob(r.job);
		} catch (e) {
			notice(e.message);
			btn.disabled = false;
		}
	}

	function showJob(j) {
		const bar = $("job");
		bar.hidden = false;
		bar.setAttribute("data-state", j.state);
		bar.setAttribute("data-job", j.id);
		$("job-title").textContent = j.state === "running" ? "Sync Now (" + j.account + ")" :
			j.state === "succeeded" ? "Sync Now finished" : "Sync Now " + j.state;
		$("job-phase").textContent = j.state === "running" ? (j.phase || "starting…") : j.message;
		const p = $("job-progress");
		p.max = Math.max(1, j.total);
		p.value = j.state === "succeeded" ? p.max : j.done;
		$("job-count").textContent = j.total ? j.done + " of " + j.total : "";
		$("job-close").hidden = j.state === "running";
	}

	function watchJob(job) {
		clearTimeout(state.job);
		showJob(job);
		const poll = async () => {
			try {
				const r = await api("GET", "/jobs/" + job.id);
				showJob(r.job);
				if (r.job.state === "running") {
					state.job = setTimeout(poll, 500);
					return;
				}
				$("sync-now").disabled = false;
				route();   /* what the sync found */
			} catch (e) {
				notice(e.message);
				$("sync-now").disabled = false;
			}
		};
		if (job.state === "running")
			state.job = setTimeout(poll, 300);
		else
			$("sync-now").disabled = false;
	}

	/* ---- wiring -------------------------------------------------------------- */

	document.addEventListener("DOMContentLoaded", () => {
		$("login-form").addEventListener("submit", onLogin);
		$("logout").addEventListener("click", onLogout);
		$("sync-now").addEventListener("click", syncNow);
		$("job-close").addEventListener("click", () => { $("job").hidden = true; });
		$("account").addEventListener("change", async (ev) => {
			state.account = ev.target.value;
			await loadNames();
			const cur = parseHash();
			/* an item belongs to one account: go to its queue in the new one */
			location.hash = cur.screen === "item" ? href("health") : href(cur.screen + (cur.arg ? "/" + cur.arg : ""));
		});
		window.addEventListener("hashchange", route);
		start();
	});
})();
