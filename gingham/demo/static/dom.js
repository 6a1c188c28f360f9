// Small helpers the demo's scripts share: the backend's JSON calls, DOM building and formatting.
(function () {
  "use strict";

  // The demo's backend acts only for this page: it checks the token the page was served with.
  var CSRF = document.querySelector('meta[name="gingham-demo-csrf"]').content;
  var HEADERS = { "Content-Type": "application/json", "X-Gingham-Demo-CSRF": CSRF };

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: HEADERS,
      body: JSON.stringify(body),
      // The backend keeps the Item's access token in an HttpOnly cookie scoped to its paths.
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) throw json;
        return json;
      });
    });
  }

  // One of the allow-listed Plaid endpoints, called by the backend for this browser's Item.
  function plaid(endpoint, params) {
    return post("/_gingham/demo/plaid", { endpoint: endpoint, params: params || {} });
  }

  // An allow-listed endpoint that answers with a file (a PDF): the file as a Blob, or Plaid's
  // error body thrown as `post` throws it.
  function plaidFile(endpoint, params) {
    return fetch("/_gingham/demo/plaid", {
      method: "POST",
      headers: HEADERS,
      body: JSON.stringify({ endpoint: endpoint, params: params || {} }),
      credentials: "same-origin",
    }).then(function (response) {
      if (response.ok) return response.blob();
      return response.json().then(function (json) { throw json; });
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === "") return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function money(amount, currency, options) {
    if (amount === null || amount === undefined) return "—";
    var format = Object.assign({ style: "currency", currency: currency || "USD" }, options || {});
    try {
      return new Intl.NumberFormat(undefined, format).format(amount);
    } catch (unknownCurrency) {
      // Unofficial currencies (crypto) have no ISO code Intl knows.
      return amount.toLocaleString(undefined, { maximumFractionDigits: 8 }) + " " + (currency || "");
    }
  }

  function number(value, digits) {
    if (value === null || value === undefined) return "—";
    return value.toLocaleString(undefined, { maximumFractionDigits: digits === undefined ? 4 : digits });
  }

  function percent(value) {
    if (value === null || value === undefined) return "—";
    return value.toLocaleString(undefined, { maximumFractionDigits: 3 }) + "%";
  }

  // Plaid's dates are calendar dates (YYYY-MM-DD): format them as such, not in local time.
  function day(isoDate, withYear) {
    if (!isoDate) return "—";
    var options = { month: "short", day: "numeric", timeZone: "UTC" };
    if (withYear !== false) options.year = "numeric";
    return new Intl.DateTimeFormat(undefined, options).format(new Date(isoDate.slice(0, 10) + "T00:00:00Z"));
  }

  // Abbreviations in Plaid's enums that read as letters.
  var ACRONYMS = { cd: "CD", ira: "IRA", hsa: "HSA", sep: "SEP", ach: "ACH", apr: "APR", atm: "ATM",
    etf: "ETF", pslf: "PSLF", tfsa: "TFSA", rrsp: "RRSP", isa: "ISA", ugma: "UGMA", utma: "UTMA", gic: "GIC" };

  // FOOD_AND_DRINK_COFFEE → "Food and drink coffee"; Plaid's enums read as words.
  function words(code) {
    if (!code) return "";
    var text = String(code).replace(/_/g, " ").toLowerCase().split(" ").map(function (word) {
      return ACRONYMS[word] || word;
    }).join(" ");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function accountLabel(account) {
    if (!account) return "Unknown account";
    return account.name + (account.mask ? " ••" + account.mask : "");
  }

  function accountsById(accounts) {
    var byId = {};
    (accounts || []).forEach(function (account) { byId[account.account_id] = account; });
    return byId;
  }

  // Plaid's error body, as the section of the page that asked shows it.
  function errorBox(error, what) {
    if (!error || !error.error_code) {
      return el("div", { class: "plaid-error", "data-testid": "plaid-error" }, [
        el("p", {}, [el("strong", {}, ["Could not load " + what + "."]), " " + String(error && error.message || error)]),
      ]);
    }
    return el("div", { class: "plaid-error", "data-testid": "plaid-error" }, [
      el("p", {}, [el("strong", {}, [error.error_code]), el("span", { class: "error-type" }, [error.error_type])]),
      el("p", {}, [error.display_message || error.error_message]),
      error.display_message ? el("p", { class: "muted small" }, [error.error_message]) : null,
    ]);
  }

  function table(label, headers, rows, testid) {
    var head = el("tr", {}, headers.map(function (header) {
      var name = typeof header === "string" ? header : header.text;
      return el("th", { scope: "col", class: typeof header === "string" ? null : header.class }, [name]);
    }));
    return el("div", { class: "table-wrap" }, [
      el("table", { "aria-label": label, "data-testid": testid }, [el("thead", {}, [head]), el("tbody", {}, rows)]),
    ]);
  }

  function figure(label, value, extraClass) {
    return el("div", { class: "figure" + (extraClass ? " " + extraClass : "") }, [
      el("dt", {}, [label]),
      el("dd", {}, [value]),
    ]);
  }

  // Plaid's amounts are positive when money leaves the account: show them as the user sees them.
  function signedAmount(amount, currency) {
    var inflow = amount < 0;
    return el("span", { class: inflow ? "amount-in" : "amount-out" }, [money(-amount, currency, { signDisplay: "exceptZero" })]);
  }

  function badge(text, kind) {
    return el("span", { class: "badge" + (kind ? " badge-" + kind : "") }, [text]);
  }

  function loading(text) {
    return el("p", { class: "loading", role: "status" }, [el("span", { class: "spinner", "aria-hidden": "true" }), text]);
  }

  window.Demo = {
    post: post,
    plaid: plaid,
    plaidFile: plaidFile,
    el: el,
    money: money,
    number: number,
    percent: percent,
    day: day,
    words: words,
    accountLabel: accountLabel,
    accountsById: accountsById,
    errorBox: errorBox,
    table: table,
    figure: figure,
    badge: badge,
    signedAmount: signedAmount,
    loading: loading,
  };
})();
