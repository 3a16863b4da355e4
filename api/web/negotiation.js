// The negotiation's page (GET /negotiation). It asks for a bearer token,
// keeps it in this tab's sessionStorage (never in the address, never in
// localStorage), lists the negotiations the token's holder takes part in
// (GET /v1/negotiations) and shows one of them as the server lets that
// holder see it (GET /v1/negotiations/{id}): the mediator's view — every
// round with the text's changes, the acceptable set, each party's verdict,
// answer, concession and what its view leaks, every party's latest
// position — or a party's own — its position, the drafts with the text's
// history, its own evaluation and answers. Every string from the server
// goes into the page as text (textContent, text nodes), never as markup.
"use strict";

// The fixed labels in English, Ukrainian and Russian; the language from
// navigator.language unless chosen (kept in localStorage, as the
// dashboard's).
const dict = {
  uk: {title: "accord — переговори", language: "Мова", token: "Ваш токен", "sign in": "Увійти", "sign out": "Вийти",
    "token note": "(зберігається лише в цій вкладці, ніколи в адресі)",
    "need token": "Введіть свій токен: переговори показуються лише їхнім сторонам і посереднику.",
    loading: "завантаження…", "no negotiations": "Для цього токена немає переговорів.", negotiations: "Переговори",
    mediator: "посередник", party: "сторона", round: "раунд", rounds: "раунди", draft: "проєкт", changes: "зміни щодо попереднього раунду",
    "acceptable to all": "прийнятний для всіх", "acceptable set": "прийнятна множина", yes: "так", no: "ні",
    "first text": "перший текст: {n} питань", "no change": "без змін", "undecided": "не вирішено",
    "round table": "Раунди: текст, прийнятна множина, вердикти та відповіді", concessions: "Поступки: корисність, від якої відмовлено, за раундами",
    "concessions note": "Для кожної сторони: корисність її найкращого пакета без урахування інших мінус корисність тексту раунду.",
    "utility given up": "відмовлено корисності", leak: "Витік: що вигляд кожної сторони визначає щодо червоних ліній інших",
    "leak note": "визначені трійки (сторона, питання, варіант) з усіх; у дужках — пари (питання, варіант), що точно не є червоною лінією жодної іншої сторони з вето",
    cycles: "Тупики послідовності (в останніх позиціях)", "no cycles": "немає", positions: "Позиції сторін (останні версії)",
    "text history": "Історія тексту", issue: "питання", conclusion: "Висновок", concluded: "Укладено в раунді {r}", signatures: "Підписи угоди: {n} з {m} ({who})", "in force": "Угода чинна з {at}",
    "not concluded": "Не укладено; останній раунд: {r}", "no rounds": "Ще немає проєктів.", version: "версія {v}", "submitted in round": "подано в раунді {r}", "before the first draft": "подано до першого проєкту",
    "round table note": "Для кожної сторони: корисність тексту / її BATNA, чи прийнятний текст за її позицією, і її відповідь.",
    "your position": "Ваша позиція", "your evaluation": "Ваша оцінка проєктів і ваші відповіді", utility: "корисність", batna: "BATNA", accepts: "приймає",
    "red lines": "червоні лінії", costs: "найбільші втрати", answer: "відповідь", provisional: "попередньо погоджені треки",
    requests: "Ваші запити", "no requests": "Запитів немає.", text: "текст", evaluation: "оцінка", "no position": "Позиції ще немає.",
    "you are": "Ви — сторона {p}; посередник — {m}", "you mediate": "Посередник: {m}; метод: {method}", "no answer": "немає відповіді", withheld: "недоступно",
    method: "метод", "package": "Погоджений пакет", accept: "приймає", object: "заперечує", "reject": "відхиляє", "signed in": "{n} переговорів", refresh: "Оновити", "n rounds": "раундів: {n}", "requests asked": "запитів: {n}"},
  ru: {title: "accord — переговоры", language: "Язык", token: "Ваш токен", "sign in": "Войти", "sign out": "Выйти",
    "token note": "(хранится только в этой вкладке, никогда в адресе)",
    "need token": "Введите свой токен: переговоры показываются только их сторонам и посреднику.",
    loading: "загрузка…", "no negotiations": "Для этого токена нет переговоров.", negotiations: "Переговоры",
    mediator: "посредник", party: "сторона", round: "раунд", rounds: "раунды", draft: "проект", changes: "изменения по сравнению с прошлым раундом",
    "acceptable to all": "приемлем для всех", "acceptable set": "приемлемое множество", yes: "да", no: "нет",
    "first text": "первый текст: {n} вопросов", "no change": "без изменений", "undecided": "не решено",
    "round table": "Раунды: текст, приемлемое множество, вердикты и ответы", concessions: "Уступки: отданная полезность по раундам",
    "concessions note": "Для каждой стороны: полезность её лучшего пакета без учёта других минус полезность текста раунда.",
    "utility given up": "отдано полезности", leak: "Утечка: что вид каждой стороны определяет о красных линиях других",
    "leak note": "определённые тройки (сторона, вопрос, вариант) из всех; в скобках — пары (вопрос, вариант), точно не являющиеся красной линией другой стороны с правом вето",
    cycles: "Тупики последовательности (в последних позициях)", "no cycles": "нет", positions: "Позиции сторон (последние версии)",
    "text history": "История текста", issue: "вопрос", conclusion: "Итог", concluded: "Заключено в раунде {r}", signatures: "Подписи соглашения: {n} из {m} ({who})", "in force": "Соглашение в силе с {at}",
    "not concluded": "Не заключено; последний раунд: {r}", "no rounds": "Проектов ещё нет.", version: "версия {v}", "submitted in round": "подано в раунде {r}", "before the first draft": "подано до первого проекта",
    "round table note": "Для каждой стороны: полезность текста / её BATNA, приемлем ли текст по её позиции, и её ответ.",
    "your position": "Ваша позиция", "your evaluation": "Ваша оценка проектов и ваши ответы", utility: "полезность", batna: "BATNA", accepts: "принимает",
    "red lines": "красные линии", costs: "наибольшие потери", answer: "ответ", provisional: "предварительно согласованные треки",
    requests: "Ваши запросы", "no requests": "Запросов нет.", text: "текст", evaluation: "оценка", "no position": "Позиции ещё нет.",
    "you are": "Вы — сторона {p}; посредник — {m}", "you mediate": "Посредник: {m}; метод: {method}", "no answer": "нет ответа", withheld: "недоступно",
    method: "метод", "package": "Согласованный пакет", accept: "принимает", object: "возражает", "reject": "отклоняет", "signed in": "переговоров: {n}", refresh: "Обновить", "n rounds": "раундов: {n}", "requests asked": "запросов: {n}"},
  en: {loading: "loading…", "no negotiations": "No negotiation for this token.", negotiations: "Negotiations",
    mediator: "mediator", party: "party", round: "round", rounds: "rounds", draft: "draft", changes: "changes vs the previous round",
    "acceptable to all": "acceptable to all", "acceptable set": "acceptable set", yes: "yes", no: "no",
    "first text": "first text: {n} issues", "no change": "no change", undecided: "undecided",
    "round table": "Rounds: the text, the acceptable set, verdicts and answers", concessions: "Concessions: utility given up, round by round",
    "concessions note": "For each party: the utility of the best package it could accept alone, less the round's text's utility.",
    "utility given up": "utility given up", leak: "Leak: what each party's view determines of the others' red lines",
    "leak note": "(party, issue, option) triples determined, of all; in brackets, the (issue, option) pairs known to be no other veto party's red line",
    cycles: "Sequencing deadlocks (latest positions)", "no cycles": "none", positions: "The parties' positions (latest versions)",
    "text history": "The text's history", issue: "issue", conclusion: "Conclusion", concluded: "Concluded in round {r}", signatures: "The agreement's signatures: {n} of {m} ({who})", "in force": "The agreement is in force since {at}",
    "not concluded": "Not concluded; latest round: {r}", "no rounds": "No draft yet.", version: "version {v}", "submitted in round": "submitted in round {r}", "before the first draft": "submitted before the first draft",
    "round table note": "For each party: the text's utility / its BATNA, whether the text is acceptable on its position, and its answer.",
    "your position": "Your position", "your evaluation": "Your evaluation of the drafts and your answers", utility: "utility", batna: "BATNA", accepts: "accepts",
    "red lines": "red lines", costs: "largest costs", answer: "answer", provisional: "provisional tracks",
    requests: "Your requests", "no requests": "No request.", text: "text", evaluation: "evaluation", "no position": "No position yet.",
    "you are": "You are party {p}; the mediator is {m}", "you mediate": "Mediator: {m}; method: {method}", "no answer": "no answer", withheld: "withheld",
    method: "method", "package": "The agreed package", accept: "accepts", object: "objects", reject: "rejects", "signed in": "{n} negotiation(s)", refresh: "Refresh", "n rounds": "{n} round(s)", "requests asked": "{n} request(s)"},
};
let lang = localStorage.getItem("accord-lang") || (navigator.language || "en").slice(0, 2).toLowerCase();
if (!dict[lang]) lang = "en";
const english = {};
function t(key, args) {
  let s = dict[lang][key] ?? dict.en[key] ?? english[key] ?? key;
  for (const [k, v] of Object.entries(args || {})) s = s.replace("{" + k + "}", v);
  return s;
}
function translate() {
  document.documentElement.lang = lang;
  document.getElementById("lang").value = lang;
  for (const e of document.querySelectorAll("[data-i18n]")) {
    const k = e.dataset.i18n;
    if (!(k in english)) english[k] = e.textContent;
    e.textContent = t(k);
  }
  document.title = t("title");
}

// el builds an element: attributes set one by one, children appended as
// nodes or as text (never parsed as markup).
function el(tag, attrs, ...kids) { return fill(document.createElement(tag), attrs, kids); }
const SVG = "http://www.w3.org/2000/svg";
function sv(tag, attrs, ...kids) { return fill(document.createElementNS(SVG, tag), attrs, kids); }
function fill(e, attrs, kids) {
  for (const [k, v] of Object.entries(attrs || {})) if (v != null && v !== false) e.setAttribute(k, String(v));
  for (const k of kids.flat(Infinity)) if (k != null && k !== false) e.append(k instanceof Node ? k : String(k));
  return e;
}
const num = x => x == null ? "—" : (Math.round(x * 10) / 10).toFixed(1);
const yesNo = b => el("span", {class: "badge " + (b ? "yes" : "no")}, t(b ? "yes" : "no"));
const short = c => c ? c.slice(0, 12) + "…" : "";
const submitted = r => r ? t("submitted in round", {r}) : t("before the first draft");

// The token: in this tab's sessionStorage only.
const TOKEN = "accord-negotiation-token";
const token = () => sessionStorage.getItem(TOKEN) || "";
function get(path, as) {
  return fetch(path, {headers: {Authorization: "Bearer " + token()}, cache: "no-store"}).then(async r => {
    if (!r.ok) {
      let m = r.statusText;
      try { m = (await r.json()).message || m; } catch (e) { /* not JSON */ }
      throw new Error(`${r.status}: ${m}`);
    }
    return as === "text" ? r.text() : r.json();
  });
}

const status = document.getElementById("status"), main = document.getElementById("view"), nav = document.getElementById("negotiations");
// What the page holds: the negotiations listed, the one shown, its view
// and the positions fetched for it (party → {content, version, commitment} or {error}).
let list = [], current = "", view = null, role = "", positions = {};

function setStatus(key, args, error) {
  status.removeAttribute("data-i18n");
  status.textContent = error ? error : t(key, args);
  status.className = error ? "error" : "muted";
}

async function load() {
  main.replaceChildren(); nav.replaceChildren(); view = null; role = "";
  delete document.body.dataset.ready;
  if (!token()) { setStatus("need token"); return; }
  setStatus("loading");
  try {
    list = (await get("/v1/negotiations")).negotiations || [];
  } catch (e) {
    setStatus("", null, e.message);
    return;
  }
  if (!list.length) { setStatus("no negotiations"); return; }
  setStatus("signed in", {n: list.length});
  const wanted = decodeURIComponent(location.hash.slice(1));
  await show(list.some(n => n.id === wanted) ? wanted : list[0].id);
}

async function show(id) {
  current = id;
  drawList();
  try {
    view = await get("/v1/negotiations/" + encodeURIComponent(id));
  } catch (e) {
    setStatus("", null, e.message);
    return;
  }
  role = "party" in view ? "party" : "mediator";
  positions = {};
  const whose = role === "party" ? (view.positions.length ? [view.party] : []) : Object.keys(view.positions).sort();
  await Promise.all(whose.map(p => get(`/v1/negotiations/${encodeURIComponent(id)}/positions/${encodeURIComponent(p)}`)
    .then(x => { positions[p] = x; }, e => { positions[p] = {error: e.message}; })));
  render();
}

// Refresh fetches the negotiation shown again (a new round, answers).
const refresh = el("button", {type: "button", id: "refresh"}, "↻");
refresh.addEventListener("click", () => { if (current) show(current); });
function drawList() {
  refresh.title = t("refresh");
  nav.replaceChildren(el("b", null, t("negotiations"), ": "), ...list.map(n => {
    const b = el("button", {type: "button", class: n.id === current ? "current" : null, "data-id": n.id},
      n.title || n.id, " — ", t("n rounds", {n: n.rounds}), n.concluded ? " ✓" : "");
    b.addEventListener("click", () => { history.replaceState(null, "", "#" + encodeURIComponent(n.id)); show(n.id); });
    return b;
  }), refresh);
}

function render() {
  if (!view) return;
  drawList();
  main.replaceChildren(...(role === "party" ? partyView(view) : mediatorView(view)));
  document.body.dataset.ready = role;
  document.body.dataset.negotiation = current;
}

// The issues of every text, in order.
function issuesOf(texts) {
  const s = new Set();
  for (const x of texts) for (const k of Object.keys(x || {})) s.add(k);
  return [...s].sort();
}
// What changed from one text to the next.
function changes(prev, cur) {
  if (!prev) return el("span", {class: "muted"}, t("first text", {n: Object.keys(cur).length}));
  const out = [];
  for (const i of issuesOf([prev, cur])) {
    if ((prev[i] || "") === (cur[i] || "")) continue;
    out.push(el("li", {class: "change", "data-issue": i}, i, ": ", el("span", {class: "old"}, prev[i] || t("undecided")), " → ", cur[i] || t("undecided")));
  }
  return out.length ? el("ul", {class: "compact"}, out) : el("span", {class: "muted"}, t("no change"));
}
// The text round by round: an issue a row, a round a column, the options
// that changed marked.
function historyTable(rounds) {
  const issues = issuesOf(rounds.map(r => r.text));
  return el("div", {class: "wide"}, el("table", {id: "history"},
    el("thead", null, el("tr", null, el("th", null, t("issue")), rounds.map(r => el("th", null, t("round"), " ", r.round)))),
    el("tbody", null, issues.map(i => el("tr", {"data-issue": i}, el("th", null, i), rounds.map((r, k) => {
      const o = r.text[i] || "", changed = k > 0 && o !== (rounds[k - 1].text[i] || "");
      return el("td", {class: changed ? "changed" : null}, o || el("span", {class: "muted"}, "—"));
    }))))));
}
function conclusion(v) {
  const last = v.rounds.length ? v.rounds[v.rounds.length - 1].round : 0;
  const box = el("section", {id: "conclusion"}, el("h2", null, t("conclusion")));
  if (!v.concluded) {
    box.append(el("p", null, v.rounds.length ? t("not concluded", {r: last}) : t("no rounds")));
    return box;
  }
  box.append(el("p", null, el("span", {class: "badge yes"}, t("concluded", {r: v.concluded.round}))),
    el("details", null, el("summary", null, t("package")),
      el("table", {class: "package"}, el("tbody", null, Object.entries(v.concluded.package).sort().map(([i, o]) => el("tr", null, el("th", null, i), el("td", null, o)))))));
  const a = v.agreement;
  if (a) {
    box.append(el("p", {id: "signatures"}, t("signatures", {n: a.signed.length, m: a.parties.length, who: a.signed.join(", ") || "—"})));
    if (a.in_force) box.append(el("p", {id: "in-force"}, el("span", {class: "badge yes"}, t("in force", {at: a.in_force.replace("T", " ")}))));
  }
  return box;
}
const answerText = a => a === undefined ? el("span", {class: "muted"}, t("no answer")) : a === null ? el("span", {class: "muted"}, t("withheld")) :
  el("span", {class: "answer"}, t(a.answer), a.issues && a.issues.length ? ` (${a.issues.join(", ")})` : "");
function verdictText(v) {
  if (!v) return el("span", {class: "muted"}, "—");
  return el("span", {class: "verdict"}, `${num(v.utility)} / ${num(v.batna)} `, yesNo(v.accepts),
    v.red_lines && v.red_lines.length ? el("div", {class: "error"}, t("red lines"), ": ", v.red_lines.join(", ")) : null);
}

// The mediator's view.
function mediatorView(v) {
  const parties = (list.find(n => n.id === v.negotiation) || {}).parties || Object.keys(v.positions).sort();
  const out = [el("h2", null, v.title || v.negotiation), el("p", {class: "muted"}, t("you mediate", {m: v.mediator, method: v.method}))];
  out.push(conclusion(v));
  out.push(el("h2", null, t("round table")), el("p", {class: "muted"}, t("round table note")));
  out.push(el("div", {class: "wide"}, el("table", {id: "rounds"},
    el("thead", null, el("tr", null, el("th", null, t("round")), el("th", null, t("draft")), el("th", null, t("changes")),
      el("th", null, t("acceptable to all")), el("th", null, t("acceptable set")), parties.map(p => el("th", {"data-party": p}, p)))),
    el("tbody", null, v.rounds.map((r, k) => el("tr", {class: "round", "data-round": r.round},
      el("td", null, r.round), el("td", null, r.method, r.scope ? ` (${r.scope})` : ""),
      el("td", {class: "changes"}, changes(k ? v.rounds[k - 1].text : null, r.text)),
      el("td", null, yesNo(r.acceptable_to_all)), el("td", {class: "acceptable"}, r.acceptable || "—"),
      parties.map(p => el("td", {"data-party": p}, verdictText(r.verdicts.find(x => x.party === p)), el("div", null, answerText(r.answers[p])),
        r.requests && r.requests[p] ? el("div", {class: "muted"}, t("requests asked", {n: r.requests[p]})) : null))))))));
  out.push(el("h2", null, t("concessions")), el("p", {class: "muted"}, t("concessions note")), concessionsChart(v.rounds, parties));
  out.push(el("h2", null, t("leak")), el("p", {class: "muted"}, t("leak note")), el("table", {id: "leak"},
    el("thead", null, el("tr", null, el("th", null, t("party")), v.rounds.map(r => el("th", null, t("round"), " ", r.round)))),
    el("tbody", null, parties.map(p => el("tr", {"data-party": p}, el("th", null, p), v.rounds.map(r => {
      const l = r.leak && r.leak[p];
      return el("td", null, l ? `${l.red_lines} / ${l.of} (${l.options})` : "—");
    }))))));
  out.push(el("h2", null, t("cycles")), v.cycles.length ? el("ul", {id: "cycles"}, v.cycles.map(c => el("li", null, c.tracks.join(" ↔ "), ": ",
    c.edges.map(e => `${e.first} → ${e.then} (${e.parties.join(", ")})`).join("; ")))) : el("p", {class: "muted"}, t("no cycles")));
  out.push(el("h2", null, t("text history")), v.rounds.length ? historyTable(v.rounds) : el("p", {class: "muted"}, t("no rounds")));
  out.push(el("h2", null, t("positions")), el("div", {class: "grid", id: "positions"}, Object.keys(v.positions).sort().map(p => positionBox(p, v.positions[p]))));
  return out;
}
function positionBox(p, versions) {
  const x = positions[p] || {}, last = versions[versions.length - 1];
  return el("section", {class: "party-position", "data-party": p},
    el("h3", null, p, " — ", t("version", {v: last.version}), ", ", submitted(last.round)),
    el("div", {class: "muted", title: last.commitment}, short(last.commitment)),
    x.error ? el("p", {class: "error"}, x.error) : el("pre", {class: "position", "data-party": p}, x.content || ""));
}

// The concessions chart: one line per party, a point per round, the
// utility each has given up against the best it could accept alone.
const colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];
function concessionsChart(rounds, parties) {
  const W = 640, H = 260, L = 48, R = 48, T = 12, B = 36;
  const drawn = parties.filter(p => rounds.some(r => r.concessions && p in r.concessions));
  const max = Math.max(10, ...rounds.flatMap(r => Object.values(r.concessions || {})));
  const top = Math.ceil(max / 10) * 10;
  const x = i => rounds.length === 1 ? L + (W - L - R) / 2 : L + i * (W - L - R) / (rounds.length - 1);
  const y = u => T + (H - T - B) * (1 - u / top);
  const g = sv("svg", {id: "concessions", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img"}, sv("title", null, t("concessions")));
  for (let k = 0; k <= 4; k++) {
    const u = top * k / 4;
    g.append(sv("line", {x1: L, x2: W - R, y1: y(u), y2: y(u), stroke: k ? "#eee" : "#999"}),
      sv("text", {x: L - 6, y: y(u) + 4, "text-anchor": "end"}, Math.round(u)));
  }
  rounds.forEach((r, i) => g.append(sv("text", {x: x(i), y: H - B + 16, "text-anchor": "middle"}, t("round"), " ", r.round)));
  g.append(sv("text", {x: 12, y: T + (H - T - B) / 2, transform: `rotate(-90 12 ${T + (H - T - B) / 2})`, "text-anchor": "middle"}, t("utility given up")));
  drawn.forEach((p, k) => {
    const c = colours[k % colours.length];
    const pts = rounds.map((r, i) => p in (r.concessions || {}) ? [i, r.concessions[p], r.round] : null).filter(Boolean);
    g.append(sv("polyline", {class: "concession", "data-party": p, fill: "none", stroke: c, "stroke-width": 2,
      points: pts.map(([i, u]) => `${x(i).toFixed(1)},${y(u).toFixed(1)}`).join(" ")}));
    for (const [i, u, round] of pts) {
      g.append(sv("circle", {class: "point", "data-party": p, "data-round": round, cx: x(i).toFixed(1), cy: y(u).toFixed(1), r: 3.5, fill: c},
        sv("title", null, `${p}, ${t("round")} ${round}: ${num(u)}`)));
    }
  });
  return el("div", null, g, el("div", {class: "legend"}, drawn.map((p, k) => el("span", null, el("i", {style: "border-color:" + colours[k % colours.length]}), p))));
}

// A party's own view.
function partyView(v) {
  const out = [el("h2", null, v.title || v.negotiation), el("p", {class: "muted"}, t("you are", {p: v.party, m: v.mediator}))];
  out.push(conclusion(v));
  out.push(el("h2", null, t("your position")));
  if (!v.positions.length) {
    out.push(el("p", {class: "muted"}, t("no position")));
  } else {
    out.push(el("ul", {class: "compact", id: "versions"}, v.positions.map(x => el("li", {title: x.commitment},
      t("version", {v: x.version}), ", ", submitted(x.round), " — ", short(x.commitment)))));
    const x = positions[v.party] || {};
    out.push(x.error ? el("p", {class: "error"}, x.error) : el("pre", {class: "position", id: "own-position", "data-party": v.party}, x.content || ""));
  }
  out.push(el("h2", null, t("your evaluation")));
  out.push(v.rounds.length ? el("div", {class: "wide"}, el("table", {id: "evaluations"},
    el("thead", null, el("tr", null, [t("round"), t("draft"), t("changes"), t("acceptable to all"), t("utility"), t("batna"), t("accepts"), t("red lines"), t("costs"), t("answer"), t("provisional")].map(h => el("th", null, h)))),
    el("tbody", null, v.rounds.map((r, k) => {
      const e = r.evaluation;
      return el("tr", {class: "evaluation", "data-round": r.round},
        el("td", null, r.round), el("td", null, r.method, r.scope ? ` (${r.scope})` : ""),
        el("td", {class: "changes"}, changes(k ? v.rounds[k - 1].text : null, r.text)),
        el("td", null, yesNo(r.acceptable_to_all)),
        el("td", {class: "utility"}, e ? num(e.utility) : "—"), el("td", null, e ? num(e.batna) : "—"), el("td", null, e ? yesNo(e.accepts) : "—"),
        el("td", {class: "red-lines"}, e && e.red_lines.length ? e.red_lines.join(", ") : "—"),
        el("td", null, e && e.costs && e.costs.length ? el("ul", {class: "compact"}, e.costs.map(c => el("li", null, `${c.issue}: ${c.option} (−${num(c.loss)})`))) : "—"),
        el("td", null, answerText(r.answer)),
        el("td", null, (r.provisional || []).join(", ") || "—"));
    })))) : el("p", {class: "muted"}, t("no rounds")));
  out.push(el("h2", null, t("text history")), v.rounds.length ? historyTable(v.rounds) : el("p", {class: "muted"}, t("no rounds")));
  out.push(el("h2", null, t("requests")), v.requests.length ? el("table", {id: "requests"},
    el("thead", null, el("tr", null, el("th", null, t("round")), el("th", null, t("text")), el("th", null, t("acceptable to all")), el("th", null, t("evaluation")))),
    el("tbody", null, v.requests.map(q => {
      const r = v.rounds.find(x => x.round === q.round);
      return el("tr", {class: "request"}, el("td", null, q.round), el("td", null, changes(r ? r.text : {}, q.text)), el("td", null, yesNo(q.acceptable_to_all)), el("td", null, verdictText(q.evaluation)));
    }))) : el("p", {class: "muted"}, t("no requests")));
  return out;
}

document.getElementById("signin").addEventListener("submit", e => {
  e.preventDefault();
  const input = document.getElementById("token"), tok = input.value.trim();
  input.value = "";
  if (tok) sessionStorage.setItem(TOKEN, tok);
  load();
});
document.getElementById("signout").addEventListener("click", () => { sessionStorage.removeItem(TOKEN); load(); });
document.getElementById("lang").addEventListener("change", e => {
  lang = e.target.value;
  localStorage.setItem("accord-lang", lang);
  translate();
  if (view) { setStatus("signed in", {n: list.length}); render(); } else if (!token()) setStatus("need token");
});
translate();
load();
