// context-cleaner dashboard. Reads /api/* (docs/api.md) and re-reads when
// the server's event stream says the ledger changed. No third-party
// requests: everything comes from the program serving this page.
"use strict";

(() => {
  // Opened as /?token=...: the server answered with a cookie that carries
  // the token from now on, so it leaves the address bar (and history).
  if (new URLSearchParams(location.search).has("token")) history.replaceState(null, "", location.pathname);
  // Days, weeks and times are the server's zone (`-z`, the config, or the
  // system's), as in `context-cleaner report`: the API's default, which
  // every answer names. Until the first answer, the browser's.
  let zone;
  // A model's colour follows from its name alone, so it keeps it on every
  // chart and legend whatever else is in view: Claude's families have
  // colours of their own (Sonnet blues, Opus reds and oranges, Haiku
  // greens; each starts from Okabe-Ito's, which stay distinguishable with
  // the common colour-vision deficiencies), a version one of them by a hash
  // of its name; any other model one of the rest. A dated release has its
  // alias's colour. All mid-tones, visible on both themes.
  const FAMILIES = {
    sonnet: ["#0072B2", "#56B4E9", "#4C6EDB", "#1F9BCF", "#7A8FD1"],
    opus: ["#D55E00", "#E69F00", "#C0392B", "#F08A5D", "#B5651D"],
    haiku: ["#009E73", "#6CC24A", "#2E8B57", "#44C4A1", "#8FB339"],
  };
  const OTHERS = ["#CC79A7", "#8C8C8C", "#F0E442", "#9467BD"];
  const fnv1a = (text) => {
    let h = 0x811c9dc5;
    for (const c of text) h = Math.imul(h ^ c.codePointAt(0), 0x01000193) >>> 0;
    return h;
  };
  function modelColor(model) {
    const name = model.replace(/-\d{8}$/, "");
    const colors = FAMILIES[/opus|sonnet|haiku/.exec(name)?.[0]] ?? OTHERS;
    return colors[fnv1a(name) % colors.length];
  }
  // The page's clock: relative times, the block's minutes left, a monitor
  // that stopped beating and the turn of a day change with no ledger write
  // (so no event on the stream); the overview and health are asked again.
  const CLOCK_MS = 30000;
  const state = {
    by: "project", sort: "cost", order: "desc", search: "",
    bucket: "day", metric: "cost", from: "", to: "",
    version: 0, chart: null, sessionChart: null, span: null,
    unpricedModels: [],  // Every model with no price (the overview's).
  };

  const $ = (sel, root = document) => root.querySelector(sel);
  const nf = new Intl.NumberFormat();
  // Money one way everywhere, as in `context-cleaner report`: dollars and
  // cents; an amount under half a cent that is not zero is "<$0.01".
  const usd = (v) => {
    const n = Number(v);
    if (n !== 0 && Math.abs(n) < 0.005) return n < 0 ? ">−$0.01" : "<$0.01";
    return (n < 0 ? "−$" : "$") + Math.abs(n).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  };
  // A total's cost, which leaves out requests of models with no price:
  // "unknown" when none of its requests had one, else the known part
  // marked "*" (`unpricedNote` says what the mark means).
  const cost = (t) => {
    const unpriced = Number(t.unpricedEvents || 0);
    if (!unpriced) return usd(t.costUSD);
    return unpriced >= Number(t.events) ? "unknown" : usd(t.costUSD) + "*";
  };
  const plural = (n, one) => nf.format(n) + " " + one + (n === 1 ? "" : "s");
  const unpricedNote = (n, models = []) => (!n ? "" : "* not counting " + plural(n, "request") + " of " +
    (models.length === 0 ? "models with no price" : models.join(", ") + (models.length === 1 ? ", which has" : ", which have") +
     " no price") + " (--prices FILE adds one)");
  const tokens = (n) => {
    n = Number(n);
    if (n >= 1e9) return (n / 1e9).toFixed(2) + "B";
    if (n >= 1e6) return (n / 1e6).toFixed(2) + "M";
    if (n >= 1e4) return (n / 1e3).toFixed(1) + "k";
    return nf.format(Math.round(n));
  };
  const bytes = (n) => (n >= 1048576 ? (n / 1048576).toFixed(1) + " MB" : n >= 1024 ? (n / 1024).toFixed(1) + " KB" : n + " bytes");
  // Every date and time on the page, in the server's zone ("Sep 10, 10:00
  // AM"); a request's with its seconds.
  const when = (iso, seconds = false) => new Date(iso).toLocaleString(undefined, {
    month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
    second: seconds ? "2-digit" : undefined, timeZone: zone });
  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "class") e.className = v;
      else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role" || k === "tabindex" || k === "title") e.setAttribute(k, v);
      else e[k] = v;
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  };

  function api(path, params = {}) {
    const q = new URLSearchParams(params);
    const url = path + (q.toString() ? "?" + q : "");
    return fetch(url, { cache: "no-store" }).then(async (r) => {
      const body = await r.json().catch(() => ({}));
      if (!r.ok) throw new Error(body.error || r.status + " " + r.statusText);
      return body;
    });
  }

  function showError(e) {
    const box = $("#error");
    if (!e) { box.hidden = true; return; }
    box.textContent = "Could not load: " + e.message;
    box.hidden = false;
  }

  // --- Cards ------------------------------------------------------------
  function renderPeriod(card, p) {
    $("[data-field=cost]", card).textContent = cost(p.current);
    $("[data-field=unpriced]", card).textContent = unpricedNote(p.current.unpricedEvents, p.unpricedModels);
    const delta = $("[data-field=delta]", card);
    const before = Number(p.previousSoFar.costUSD);
    const now = Number(p.current.costUSD);
    const change = (a, b) => (a >= b ? "▲ " : "▼ ") + Math.abs((a - b) / b * 100).toFixed(0) + "%";
    delta.className = "delta";
    if (before > 0) {
      const tokensBefore = Number(p.previousSoFar.totalTokens);
      delta.textContent = change(now, before) + " cost" +
        (tokensBefore > 0 ? ", " + change(Number(p.current.totalTokens), tokensBefore) + " tokens" : "") +
        " vs the same time in the previous period (" + cost(p.previousSoFar) + ", " + tokens(tokensBefore) + " tokens)";
      delta.classList.add(now >= before ? "up" : "down");
    } else {
      delta.textContent = before === 0 && now > 0 ? "nothing at this time in the previous period" : "";
    }
    const kinds = $("[data-field=kinds]", card);
    kinds.replaceChildren();
    for (const [label, key] of [["Input", "inputTokens"], ["Output", "outputTokens"],
                                ["Cache write", "cacheCreationTokens"], ["Cache read", "cacheReadTokens"],
                                ["Requests", "events"]]) {
      kinds.append(el("dt", {}, label), el("dd", { "data-kind": key }, nf.format(p.current[key])));
    }
  }

  function renderBlock(b, now) {
    const body = $("#block-body");
    if (!b) { body.replaceChildren(el("p", { class: "muted" }, "No active block.")); return; }
    const total = 300;
    const elapsed = Math.min(total, Math.max(0, b.elapsedMinutes));
    const left = b.remainingMinutes;
    const bar = el("div", { class: "progress", role: "progressbar", "aria-valuemin": "0",
      "aria-valuemax": String(total), "aria-valuenow": String(elapsed),
      "aria-label": "Time elapsed in the block" }, el("span"));
    bar.firstChild.style.width = (elapsed / total * 100).toFixed(1) + "%";
    const stat = (label, value, field) => el("div", { class: "stat" },
      el("div", { class: "label" }, label), el("div", { class: "value", "data-field": field }, value));
    // The rate and projection follow from the priced part only.
    const mark = b.totals.unpricedEvents ? "*" : "";
    body.replaceChildren(
      el("p", { class: "muted" }, when(b.start) + " – " + when(b.end) + " · " +
        Math.floor(left / 60) + " h " + (left % 60) + " min left"),
      bar,
      el("div", { class: "stats" },
        stat("Used", tokens(b.totals.totalTokens) + " tokens", "block-tokens"),
        stat("Cost so far", cost(b.totals), "block-cost"),
        // null in a block's first 10 minutes: too little to extrapolate.
        stat("Burn rate", b.burnRate ? tokens(b.burnRate.tokensPerMinute) + "/min · " + usd(b.burnRate.costPerHour) + "/h" + mark
          : "after 10 min", "block-burn"),
        stat("Projected by the end", b.projection ? tokens(b.projection.totalTokens) + " · " + usd(b.projection.totalCost) + mark
          : "after 10 min", "block-projection")),
      el("p", { class: "muted hint", "data-field": "unpriced" }, unpricedNote(b.totals.unpricedEvents)));
  }

  // "2 h 05 min", "3 d 4 h": what is left until `iso`.
  function countdown(iso, nowIso) {
    const min = Math.max(0, Math.floor((new Date(iso) - new Date(nowIso)) / 60000));
    if (min >= 24 * 60) return Math.floor(min / 1440) + " d " + Math.floor(min / 60) % 24 + " h";
    return Math.floor(min / 60) + " h " + String(min % 60).padStart(2, "0") + " min";
  }

  // The official 5-hour and 7-day use (Claude Code's rate_limits, kept by
  // the statusline): a gauge each with its reset countdown; the card stays
  // hidden until a reading exists.
  function renderLimits(limits, now) {
    const card = $("#card-limits");
    const have = limits && (limits.fiveHour || limits.sevenDay);
    card.hidden = !have;
    if (!have) return false;
    const gauge = (title, r, field) => {
      if (!r) return el("p", { class: "muted" }, title + ": no reading");
      const pct = Number(r.usedPercentage);
      const bar = el("div", { class: "progress", role: "progressbar", "aria-valuemin": "0",
        "aria-valuemax": "100", "aria-valuenow": String(Math.min(100, pct)),
        "aria-label": title + " used" }, el("span"));
      bar.firstChild.style.width = Math.min(100, pct).toFixed(1) + "%";
      const reset = new Date(r.resetsAt) > new Date(now) ? "resets in " + countdown(r.resetsAt, now) + " (" + when(r.resetsAt) + ")"
        : "reset " + when(r.resetsAt);
      return el("div", { class: "gauge" + (pct >= 80 ? " high" : ""), "data-field": field },
        el("div", { class: "label" }, el("span", {}, title), el("strong", { "data-field": field + "-pct" }, pct.toFixed(0) + "%")),
        bar,
        el("div", { class: "muted hint", "data-field": field + "-reset", title: "seen " + when(r.seenAt) }, reset));
    };
    $("#limits-body").replaceChildren(gauge("5-hour", limits.fiveHour, "limit-five-hour"),
      gauge("7-day", limits.sevenDay, "limit-seven-day"));
    return true;
  }

  // A cost per 1 % is often under a cent: four decimals there (as in
  // `report limits`), dollars and cents above a dollar.
  const smallUsd = (v) => (Number(v) < 1 ? "$" + Number(v).toFixed(4) : usd(v));
  // The last few windows: their peak and what 1 % of each cost.
  function renderLimitsHistory(l) {
    const items = l.windows.slice(0, 6).map((w) => el("li", {},
      (w.window === "seven_day" ? "7-day" : "5-hour") + " to " + when(w.resetsAt) + ": peak " +
      Number(w.peakPercentage).toFixed(0) + "%" +
      (w.tokensPerPercent === null ? "" : " · 1% ≈ " + tokens(w.tokensPerPercent) + " tokens, " + smallUsd(w.costUSDPerPercent))));
    $("#limits-history").replaceChildren(...items);
  }

  // --- Budgets ----------------------------------------------------------
  // Each configured budget (docs/budgets.md): spent of the limit in its
  // current period, the bar marked at each threshold, where the period
  // ends at the current rate, and the alerts it fired in this period.
  const PERIOD = { day: ["Today", "the day"], week: ["This week", "the week"],
                   month: ["This month", "the month"], block: ["This 5-hour block", "the block"] };
  const amount = (b, v, unit = true) => (b.unit === "usd" ? usd(v) : tokens(v) + (unit ? " tokens" : ""));
  // Whole percent, rounded down: 100% only once the limit is reached.
  // (A hair is added: 0.078 / 0.05 * 100 is 155.99999999999997 in binary.)
  const pctText = (p) => Math.floor(Math.max(0, Number(p)) + 1e-9) + "%";
  function budgetAlert(b, a) {
    const at = " · " + when(a.firedAt);
    if (a.kind === "projection") return "on pace to end over: " + amount(b, a.projected) + " projected" + at;
    return a.threshold + "% reached (" + amount(b, a.spent) + ")" + at;
  }
  function renderBudget(b) {
    const [title, span] = PERIOD[b.period] || [b.period, "the period"];
    const pct = Number(b.percent);
    const first = b.thresholds.length ? Math.min(...b.thresholds) : 100;
    const level = b.overBudget ? "over" : pct >= first || (b.projected !== null && b.projected >= b.limit) ? "warn" : "";
    // Where a period starts is not obvious for a week (the week start is
    // configurable) or a block; a day and a month say it by their name.
    const day = (iso) => new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: zone });
    const scope = [title + (!b.active || !b.start ? "" : b.period === "week" ? ", from " + day(b.start)
      : b.period === "block" ? ", until " + when(b.end) : "")];
    if (b.project) scope.push("project " + b.project);
    if (b.source) scope.push("machine " + b.source);
    const bar = el("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
      "aria-valuenow": String(Math.min(100, Math.round(pct))), "aria-label": b.name + ": share of the budget spent" }, el("span"));
    bar.firstChild.style.width = Math.min(100, pct).toFixed(1) + "%";
    for (const t of b.thresholds.filter((t) => t < 100)) {
      const tick = el("i", { class: "tick", title: t + "%" });
      tick.style.left = t + "%";
      bar.append(tick);
    }
    let projection;
    if (!b.active) projection = "no active block: nothing spent in one yet";
    else if (b.projected === null) projection = "projection after the first part of " + span;
    else projection = "on pace for " + amount(b, b.projected) + " by the end of " + span;
    const alerts = b.alerts.length === 0 ? [el("li", { class: "muted" }, "no alerts this period")]
      : b.alerts.map((a) => el("li", { "data-kind": a.kind }, budgetAlert(b, a)));
    return el("article", { class: "budget" + (level ? " " + level : ""), "data-budget": b.name },
      el("h3", {}, el("span", { class: "name" }, b.name),
        b.overBudget ? el("span", { class: "badge", "data-field": "over" }, "over budget") : ""),
      el("div", { class: "muted scope-line" }, scope.join(" · ")),
      el("div", { class: "figures" },
        el("span", { "data-field": "spent" }, amount(b, b.spent, false) + " of " + amount(b, b.limit)),
        el("strong", { "data-field": "percent" }, pctText(pct))),
      bar,
      el("div", { class: "muted hint", "data-field": "projection" }, projection),
      b.problem ? el("p", { class: "bad", "data-field": "problem" }, b.problem) : "",
      el("ul", { "data-field": "alerts", "aria-label": "Alerts this period" }, ...alerts));
  }
  function renderBudgets(r) {
    const box = $("#budgets");
    if (!r.available) {
      box.replaceChildren(el("p", { class: "muted", "data-field": "budgets-note" }, r.note));
      return;
    }
    if (r.budgets.length === 0) {
      box.replaceChildren(el("div", { "data-field": "budgets-empty" },
        el("p", { class: "muted" }, "no budgets configured — see README 'Budgets and alerts'"),
        el("p", { class: "muted hint" }, "For example, in the config file: ",
          el("code", {}, '"budgets": [{"period": "day", "usd": 20}]'))));
      return;
    }
    box.replaceChildren(...r.budgets.map(renderBudget));
  }

  function renderOverview(o) {
    state.unpricedModels = o.unpricedModels;
    $("#empty").hidden = o.allTime.events > 0 || o.origin !== "ledger";
    renderPeriod($("#card-today"), o.today);
    renderPeriod($("#card-week"), o.week);
    renderPeriod($("#card-month"), o.month);
    renderBlock(o.block, o.now);
    if (renderLimits(o.officialLimits, o.now)) api("/api/limits").then(renderLimitsHistory).catch(showError);
    $("#cache-share").textContent = (o.cache.readShare * 100).toFixed(1) + "%";
    const mark = o.allTime.unpricedEvents ? "*" : "";
    $("#cache-saved").textContent = usd(o.cache.savedUSD) + mark;
    $("#cache-detail").textContent = "reads saved " + usd(o.cache.readSavingsUSD) + mark + "; writing the cache cost " +
      usd(o.cache.writePremiumUSD) + mark + " more than plain input" +
      (mark ? ". * Not counting " + o.unpricedModels.join(", ") + ": no price" : "");
    $("#zone").textContent = o.timezone;
    // Which ledger (or ClickHouse) this page shows: two dashboards on one
    // machine are told apart at a glance.
    $("#origin").textContent = (o.origin === "clickhouse" ? "ClickHouse " : "ledger ") + o.originTarget;
    $("#origin").title = o.originTarget;
    zone = o.timezone;
    $("#updated").textContent = "updated " + new Date().toLocaleTimeString(undefined, { timeZone: zone });
    const machines = $("[data-by=source]");
    machines.hidden = o.sources.length < 2 && state.by !== "source";
  }

  // --- Chart ------------------------------------------------------------
  function cssVar(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

  function renderSeries(s) {
    const box = $("#chart");
    const xs = s.starts.map((ms) => ms / 1000);
    const raw = s.models.map((m) => (state.metric === "cost" ? m.costUSD : m.tokens).map(Number));
    // Stacked: each series is the sum of itself and those below it.
    const stacked = [];
    raw.forEach((vals, i) => stacked.push(vals.map((v, j) => v + (i ? stacked[i - 1][j] : 0))));
    const fmt = state.metric === "cost" ? usd : tokens;
    // In cost, a model's requests with no price are not in its bars.
    const unpriced = s.models.map((m) => m.unpricedEvents);
    const unknown = state.metric !== "cost" ? []
      : s.models.filter((m, i) => unpriced[i].some((n) => n > 0)).map((m) => m.model);
    const series = [{ label: "Time" }];
    // Drawn top of the stack first, so lower bands paint over higher ones.
    const order = s.models.map((_, i) => i).reverse();
    const data = [xs];
    for (const i of order) {
      const color = modelColor(s.models[i].model);
      series.push({
        label: s.models[i].model + (unknown.includes(s.models[i].model) ? "*" : ""),
        stroke: color, fill: color + "cc", width: 1,
        paths: uPlot.paths.bars({ size: [0.8, 64] }),
        value: (u, v, si, idx) => (idx == null ? "–" : state.metric !== "cost" ? fmt(raw[i][idx])
          : cost({ costUSD: raw[i][idx], unpricedEvents: unpriced[i][idx], events: s.models[i].events[idx] })),
      });
      data.push(stacked[i]);
    }
    if (s.models.length === 0) {
      series.push({ label: "no usage", stroke: cssVar("--muted") });
      data.push(xs.map(() => 0));
    }
    const width = Math.max(320, box.clientWidth);
    const opts = {
      width, height: 320, series, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), s.timezone),
      axes: [
        { stroke: cssVar("--muted"), grid: { stroke: cssVar("--line") }, ticks: { stroke: cssVar("--line") } },
        { stroke: cssVar("--muted"), grid: { stroke: cssVar("--line") }, ticks: { stroke: cssVar("--line") },
          values: (u, vals) => vals.map(fmt), size: 70,
          // Whole cents in cost, so each tick reads as the money it is.
          ...(state.metric === "cost" ? { incrs: [1, 2, 5].flatMap((m) => [0.01, 0.1, 1, 10, 100, 1e3, 1e4, 1e5].map((p) => m * p)).sort((a, b) => a - b) } : {}) },
      ],
      scales: { x: { time: true } },
      cursor: { drag: { x: true, y: false } },
      legend: { live: true },
      hooks: {
        setSelect: [(u) => {
          if (u.select.width < 4) return;
          const lo = u.posToVal(u.select.left, "x"), hi = u.posToVal(u.select.left + u.select.width, "x");
          u.setSelect({ width: 0, height: 0 }, false);
          zoomTo(lo * 1000, hi * 1000);
        }],
      },
    };
    if (state.chart) state.chart.destroy();
    box.replaceChildren();
    state.chart = new uPlot(opts, data, box);
    state.span = xs.length ? [xs[0] * 1000, xs[xs.length - 1] * 1000 + bucketMs(s.bucket)] : null;
    box.ondblclick = () => { resetRange(); };
    box.setAttribute("aria-label", "Usage over time per " + s.bucket + ", stacked by model: " +
      s.models.map((m) => m.model).join(", "));
    $("#chart-note").textContent = unknown.length ? "* " + unknown.join(", ") +
      ": no price, so not in the cost bars (show tokens to see " + (unknown.length > 1 ? "them" : "it") + ")" : "";
  }

  // YYYY-MM-DD in the server's zone (en-CA writes dates that way).
  function isoDate(ms) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
      .format(new Date(ms));
  }

  function bucketMs(b) { return b === "hour" ? 3600e3 : b === "week" ? 7 * 86400e3 : 86400e3; }

  // The chart by keyboard: + and - zoom around the middle, the arrows move
  // by a quarter of the range, 0 or Escape shows everything again.
  function chartKey(e) {
    if (e.key === "0" || e.key === "Escape") { e.preventDefault(); resetRange(); return; }
    if (!state.span) return;  // Nothing drawn: nothing to zoom.
    const [lo, hi] = state.span;
    const mid = (lo + hi) / 2, half = (hi - lo) / 2, step = (hi - lo) / 4;
    const keys = {
      "+": () => zoomTo(mid - half / 2, mid + half / 2),
      "=": () => zoomTo(mid - half / 2, mid + half / 2),
      "-": () => zoomTo(mid - half * 2, mid + half * 2),
      "ArrowLeft": () => zoomTo(lo - step, hi - step),
      "ArrowRight": () => zoomTo(lo + step, hi + step),
    };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  }

  // The bucket that shows a span in a readable number of bars (and within
  // the API's 5,000).
  function bucketFor(spanMs) {
    if (spanMs <= 3 * 86400e3) return "hour";
    if (spanMs <= 400 * 86400e3) return "day";
    return "week";
  }

  // [fromMs, toMs), never past the current hour.
  function zoomTo(fromMs, toMs) {
    const end = Math.ceil(Date.now() / 3600e3) * 3600e3;
    if (toMs > end) { fromMs -= toMs - end; toMs = end; }
    if (toMs - fromMs < 3600e3) fromMs = toMs - 3600e3;
    state.from = String(Math.floor(fromMs));
    state.to = String(Math.ceil(toMs));
    $("#from").value = isoDate(fromMs);
    $("#to").value = isoDate(toMs - 1);  // The field shows the last day shown.
    state.bucket = bucketFor(toMs - fromMs);
    $("#bucket").value = state.bucket;
    rangeChanged();
  }

  // The date fields: inclusive days; a bucket too fine for the range is
  // made coarser rather than refused.
  function pickDates() {
    const from = $("#from").value, to = $("#to").value;
    if (from && to && from > to) {
      showError(new Error("the range starts after it ends (" + from + " > " + to + ")"));
      return;
    }
    state.from = from;
    state.to = to;
    if (from && to) {
      const span = Date.parse(to) - Date.parse(from) + 86400e3;
      const limits = { hour: 5000 * 3600e3, day: 5000 * 86400e3 };
      if (span > (limits[state.bucket] ?? Infinity)) {
        state.bucket = bucketFor(span);
        $("#bucket").value = state.bucket;
      }
    }
    rangeChanged();
  }

  // The chart's range is the table's too.
  function rangeChanged() {
    loadSeries();
    loadBreakdown();
  }

  function resetRange() {
    state.from = state.to = "";
    $("#from").value = $("#to").value = "";
    rangeChanged();
  }

  // --- Table ------------------------------------------------------------
  function renderBreakdown(b) {
    const tbody = $("#breakdown tbody");
    tbody.replaceChildren();
    for (const r of b.rows) {
      // A project is shown as its path (projectName); its folder in the tooltip.
      const shown = state.by === "project" ? r.projectName || r.name : r.name;
      const name = el("td", { class: "name", title: r.name }, shown || "(none)");
      if (r.project !== undefined) {
        name.append(el("span", { class: "sub", title: r.project }, r.projectName || r.project));
      }
      const tr = el("tr", {}, name,
        el("td", { class: "num" }, nf.format(r.totals.events)),
        el("td", { class: "num" }, tokens(r.totals.totalTokens)),
        el("td", { class: "num", "data-field": "cost" }, cost(r.totals)),
        el("td", { class: "num wide-only" }, when(r.lastAt)));
      if (state.by === "session") {
        tr.className = "link";
        tr.tabIndex = 0;
        tr.setAttribute("role", "button");
        tr.setAttribute("aria-label", "Open session " + r.name);
        tr.onclick = () => openSession(r.name);
        tr.onkeydown = (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openSession(r.name); } };
      }
      tbody.append(tr);
    }
    const from = $("#from").value, to = $("#to").value;
    $("#table-scope").textContent = !state.from && !state.to ? "all time"
      : from && to ? from + " – " + to : from ? "from " + from : "to " + to;
    $("#table-note").textContent = (state.from || state.to ? "In the chart's range (Reset: all time). " : "") +
      (b.totalRows > b.rows.length ? "Showing " + b.rows.length + " of " + nf.format(b.totalRows) + "; search to narrow." : "");
    const unpriced = b.rows.reduce((n, r) => n + r.totals.unpricedEvents, 0);
    const models = new Set(b.rows.flatMap((r) => (r.totals.unpricedEvents ? r.models : [])));
    $("#table-unpriced").textContent = unpricedNote(unpriced, state.unpricedModels.filter((m) => models.has(m)));
    for (const th of document.querySelectorAll("#breakdown th")) {
      const key = $("button", th).dataset.sort;
      if (key === state.sort) th.setAttribute("aria-sort", state.order === "desc" ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
  }

  async function openSession(id) {
    const dlg = $("#session");
    try {
      const s = await api("/api/session", { id });
      const title = $("#session-title");
      title.textContent = "Session " + id;
      title.title = id;
      $("#session-summary").textContent = (s.projectName || s.project) + " · " + s.requests.length + " requests · " +
        tokens(s.totals.totalTokens) + " tokens · " + cost(s.totals) + (s.truncated ? " (first 10,000 requests)" : "");
      const unpriced = s.requests.filter((q) => !q.priced);
      $("#session-unpriced").textContent = unpricedNote(unpriced.length, [...new Set(unpriced.map((q) => q.model))]);
      // A phone shows the tokens' sum and the model's short name ("sonnet-4").
      const tbody = $("#session-table tbody");
      tbody.replaceChildren(...s.requests.map((q) => el("tr", {},
        el("td", {}, when(q.at, true)),
        el("td", { title: q.model }, el("span", { class: "long" }, q.model),
          el("span", { class: "short" }, q.model.replace(/^claude-/, "").replace(/-\d{8}$/, ""))),
        el("td", { class: "num wide-only" }, nf.format(q.inputTokens)), el("td", { class: "num wide-only" }, nf.format(q.outputTokens)),
        el("td", { class: "num wide-only" }, nf.format(q.cacheCreationTokens)),
        el("td", { class: "num wide-only" }, nf.format(q.cacheReadTokens)),
        el("td", { class: "num narrow-only" }, tokens(q.totalTokens)),
        el("td", { class: "num" }, q.priced ? usd(q.costUSD) : "unknown"))));
      if (!dlg.open) dlg.showModal();
      const box = $("#session-chart");
      if (state.sessionChart) state.sessionChart.destroy();
      box.replaceChildren();
      const xs = s.requests.map((q) => Date.parse(q.at) / 1000);
      state.sessionChart = new uPlot({
        width: Math.max(200, box.clientWidth), height: 180,
        series: [{}, { label: "tokens", stroke: cssVar("--accent"), fill: cssVar("--accent") + "55",
                       paths: uPlot.paths.bars({ size: [0.6, 24] }), value: (u, v) => (v == null ? "–" : tokens(v)) }],
        axes: [{ stroke: cssVar("--muted") }, { stroke: cssVar("--muted"), values: (u, v) => v.map(tokens), size: 60 }],
      }, [xs, s.requests.map((q) => q.totalTokens)], box);
      $("#session-close").focus();
    } catch (e) { showError(e); }
  }

  // --- Health -----------------------------------------------------------
  function renderHealth(h) {
    const box = $("#health");
    if (h.origin === "clickhouse") {
      box.replaceChildren(el("div", {}, el("h3", {}, "Source"),
        el("p", { "data-field": "origin" }, "The team's ClickHouse: " + h.originTarget),
        el("p", { class: "muted" }, "Sync health is per machine: open the dashboard on that machine.")));
      return;
    }
    const run = h.lastRun;
    const sync = el("div", {}, el("h3", {}, "Sync"));
    const list = el("ul");
    list.append(el("li", { "data-field": "files" }, nf.format(h.files.active) + (h.files.active === 1 ? " transcript" : " transcripts") + " tracked" +
      (h.files.gone ? ", " + nf.format(h.files.gone) + " deleted by Claude Code (kept in the ledger)" : "")));
    if (run) {
      list.append(el("li", { class: run.running ? "ok" : "" }, run.running
        ? "monitor running (" + run.mode + ", pid " + run.pid + ")" : "last run: " + run.mode + ", " + run.result));
      list.append(el("li", { "data-field": "last-sync" }, "last sync " + when(run.lastSyncAt) +
        " (" + run.secondsSinceLastSync + " s ago)"));
      if (run.error) list.append(el("li", { class: "bad" }, run.error));
      const b = h.backlog;
      if (b) {
        list.append(el("li", { "data-field": "lag", class: b.unreadBytes ? "" : "ok" }, b.unreadBytes
          ? "lag " + Math.round(b.lagMs / 1000) + " s: " + bytes(b.unreadBytes) + " in " + nf.format(b.filesBehind) +
            (b.filesBehind === 1 ? " transcript" : " transcripts") + " not read yet"
          : "no lag: every transcript read to its end"));
      }
    } else {
      list.append(el("li", {}, "never synced"));
    }
    sync.append(list);
    const rejects = el("div", {}, el("h3", {}, "Rejected lines"));
    if (h.rejects.lines === 0) {
      rejects.append(el("p", { class: "ok", "data-field": "rejects" }, "none"));
    } else {
      rejects.append(el("p", { "data-field": "rejects" }, nf.format(h.rejects.lines) + " lines skipped and recorded:"));
      rejects.append(el("ul", {}, ...h.rejects.byReason.map((r) => el("li", {}, r.reason + ": " + nf.format(r.lines)))));
    }
    const ship = el("div", {}, el("h3", {}, "ClickHouse"));
    if (!h.shipping) {
      ship.append(el("p", { class: "muted", "data-field": "shipping" }, "not configured"));
    } else {
      const s = h.shipping;
      ship.append(el("ul", {},
        el("li", { class: s.status === "ok" ? "ok" : "bad", "data-field": "shipping" }, s.status + " → " + s.target),
        el("li", {}, nf.format(s.rowsPending) + " rows waiting"),
        el("li", {}, "last success " + (s.lastSuccessAt ? when(s.lastSuccessAt) : "never")),
        ...(s.lastError ? [el("li", { class: "bad" }, s.lastError)] : [])));
    }
    box.replaceChildren(sync, rejects, ship);
  }

  // --- Telemetry --------------------------------------------------------
  function renderTelemetry(t) {
    const box = $("#telemetry");
    if (!t.telemetry) return;
    const v = t.telemetry;
    const share = v.events ? (v.exactEvents / v.events * 100).toFixed(1) + "%" : "–";
    const exact = el("div", {}, el("h3", {}, "Exact tokens"),
      el("p", { "data-field": "exact-share" }, share + " of requests exact"),
      el("p", { class: "muted" }, nf.format(v.lowerBoundEvents) +
        " lower bounds (no telemetry: the transcript may hold a streaming partial)"));
    const latency = el("div", {}, el("h3", {}, "API latency"),
      el("table", { class: "table" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Model"),
          el("th", { scope: "col", class: "num" }, "p50"), el("th", { scope: "col", class: "num" }, "p95"))),
        el("tbody", {}, ...v.latency.map((l) => el("tr", {}, el("td", {}, l.model),
          el("td", { class: "num" }, nf.format(l.p50Ms) + " ms"),
          el("td", { class: "num" }, nf.format(l.p95Ms) + " ms"))))));
    const errors = el("div", {}, el("h3", {}, "API errors"),
      v.errorsByStatus.length === 0 ? el("p", { class: "ok" }, "none")
        : el("ul", { "data-field": "errors" }, ...v.errorsByStatus.map((e) => el("li", {}, e.status + ": " + nf.format(e.errors)))));
    const costs = el("div", {}, el("h3", {}, "Cost, two ways"),
      el("p", { "data-field": "costs" }, "Claude Code says " + usd(v.costs.claudeCodeUSD) + "; our price table " +
        usd(v.costs.oursUSD) + " (" + nf.format(v.costs.requests) + " requests)"));
    box.replaceChildren(exact, latency, errors, costs);
  }

  // --- Loading ----------------------------------------------------------
  function seriesParams() {
    const p = { bucket: state.bucket };
    if (state.from) p.from = state.from;
    if (state.to) p.to = state.to;
    return p;
  }
  function loadSeries() {
    return api("/api/series", seriesParams()).then(renderSeries).then(() => showError(null)).catch(showError);
  }
  function loadBreakdown() {
    const p = { by: state.by, sort: state.sort, order: state.order, q: state.search, limit: "200" };
    if (state.from) p.from = state.from;
    if (state.to) p.to = state.to;
    return api("/api/breakdown", p).then(renderBreakdown).catch(showError);
  }
  // The panels that change with the clock as well as the ledger: the
  // overview (periods, the block), health and the budgets (a period turns,
  // a projection moves). The overview's version.
  async function loadOverviewAndHealth() {
    const [o, h, b] = await Promise.all([api("/api/overview"), api("/api/health"), api("/api/budgets")]);
    renderOverview(o);
    renderHealth(h);
    renderBudgets(b);
    return o.version;
  }
  async function loadAll() {
    try {
      const [version, t] = await Promise.all([loadOverviewAndHealth(), api("/api/telemetry")]);
      renderTelemetry(t);
      await Promise.all([loadSeries(), loadBreakdown()]);
      document.body.dataset.version = String(version);
      showError(null);
    } catch (e) { showError(e); }
  }

  // The clock's panels again, without the chart and table (their figures
  // only change with the ledger).
  async function tick() {
    if (document.hidden) return;
    try { await loadOverviewAndHealth(); } catch (e) { showError(e); }
  }

  let pending = null;
  function scheduleLoad() {
    if (pending) return;
    pending = setTimeout(() => { pending = null; loadAll(); }, 50);
  }

  // The live stream. After any break (a restart of the server numbers its
  // versions afresh) everything is read again. A hidden page closes its
  // stream, so tabs in the background do not hold the browser's few
  // connections to this server; a stream the server refused is retried.
  let stream = null, retry = null, retryMs = 1000;
  function connect() {
    const live = $("#live");
    clearTimeout(retry);
    if (stream) stream.close();
    let broken = state.version !== 0;
    const es = stream = new EventSource("/api/events");
    es.addEventListener("change", (e) => {
      live.textContent = "live"; live.className = "live on";
      retryMs = 1000;
      const v = JSON.parse(e.data).version;
      if (broken || v !== state.version) { broken = false; state.version = v; scheduleLoad(); }
    });
    es.onopen = () => { live.textContent = "live"; live.className = "live on"; };
    es.onerror = () => {
      broken = true;
      live.textContent = "reconnecting…"; live.className = "live off";
      if (es.readyState === EventSource.CLOSED) {  // Refused: the browser gives up; we do not.
        retry = setTimeout(connect, retryMs);
        retryMs = Math.min(30000, retryMs * 2);
      }
    };
  }
  function disconnect() {
    clearTimeout(retry);
    if (stream) { stream.close(); stream = null; }
  }

  // --- Controls ---------------------------------------------------------
  function applyTheme(t) {
    if (t) document.documentElement.dataset.theme = t; else delete document.documentElement.dataset.theme;
  }
  function init() {
    applyTheme(localStorage.getItem("cc-theme"));
    $("#theme").onclick = () => {
      const dark = document.documentElement.dataset.theme === "dark" ||
        (!document.documentElement.dataset.theme && matchMedia("(prefers-color-scheme: dark)").matches);
      const t = dark ? "light" : "dark";
      localStorage.setItem("cc-theme", t);
      applyTheme(t);
      loadSeries();
    };
    $("#metric").onchange = (e) => { state.metric = e.target.value; loadSeries(); };
    $("#bucket").onchange = (e) => { state.bucket = e.target.value; loadSeries(); };
    $("#from").onchange = pickDates;
    $("#to").onchange = pickDates;
    $("#reset-range").onclick = resetRange;
    // Tabs as the ARIA pattern has them: one tab stop, arrows, Home, End.
    const tabs = [...document.querySelectorAll("[role=tab]")];
    const selectTab = (tab) => {
      state.by = tab.dataset.by;
      for (const t of tabs) {
        t.setAttribute("aria-selected", String(t === tab));
        t.tabIndex = t === tab ? 0 : -1;
      }
      loadBreakdown();
    };
    for (const tab of tabs) {
      tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1;
      tab.onclick = () => selectTab(tab);
      tab.onkeydown = (e) => {
        const visible = tabs.filter((t) => !t.hidden);
        const i = visible.indexOf(tab);
        const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: visible.length - 1 }[e.key];
        if (to === undefined) return;
        e.preventDefault();
        const next = visible[(to + visible.length) % visible.length];
        next.focus();
        selectTab(next);
      };
    }
    $("#chart").onkeydown = chartKey;
    for (const b of document.querySelectorAll("#breakdown th button")) {
      b.onclick = () => {
        const key = b.dataset.sort;
        if (state.sort === key) state.order = state.order === "desc" ? "asc" : "desc";
        else { state.sort = key; state.order = key === "name" ? "asc" : "desc"; }
        loadBreakdown();
      };
    }
    let typing = null;
    $("#search").oninput = (e) => {
      clearTimeout(typing);
      typing = setTimeout(() => { state.search = e.target.value; loadBreakdown(); }, 150);
    };
    $("#session-close").onclick = () => $("#session").close();
    let resize = null;
    addEventListener("resize", () => { clearTimeout(resize); resize = setTimeout(loadSeries, 200); });
    loadAll();
    connect();
    setInterval(tick, CLOCK_MS);
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) { disconnect(); return; }
      connect();  // Its first event reads everything again.
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
