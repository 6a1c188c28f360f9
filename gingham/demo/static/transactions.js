// The Transactions section: waits for Gingham's initial pull, then lists the latest transactions
// and the recurring streams found in them.
(function () {
  "use strict";

  var D = window.Demo;
  var el = D.el;
  var fill = window.DemoPanels.fill;

  // How patiently the page waits for Gingham's initial transactions pull: a real app would wait
  // for the SYNC_UPDATES_AVAILABLE webhook; a page without a server of its own asks now and then.
  var FIRST_WAIT_MS = 1000;
  var LONGEST_WAIT_MS = 5000;
  var GIVE_UP_AFTER_MS = 120000;

  // The merchant's initial sits under its logo: it shows until the logo loads, and stays if the
  // logo's host cannot be reached.
  function logo(name, url) {
    var label = name + " logo";
    var box = el("span", { class: "logo-box" }, [el("span", { "aria-hidden": "true" }, [(name || "?").charAt(0).toUpperCase()])]);
    if (!url) {
      box.setAttribute("role", "img");
      box.setAttribute("aria-label", label);
      return box;
    }
    var img = el("img", { src: url, alt: label, width: "32", height: "32", referrerpolicy: "no-referrer" });
    img.addEventListener("error", function () {
      img.remove();
      box.setAttribute("role", "img");
      box.setAttribute("aria-label", label);
    });
    box.appendChild(img);
    return box;
  }

  function category(pfc) {
    if (!pfc) return [el("span", { class: "muted" }, ["Uncategorised"])];
    var detailed = pfc.detailed && pfc.detailed.indexOf(pfc.primary + "_") === 0 ? pfc.detailed.slice(pfc.primary.length + 1) : pfc.detailed;
    return [el("span", {}, [D.words(pfc.primary)]), detailed ? el("span", { class: "sub" }, [D.words(detailed)]) : null];
  }

  function transactionRows(transactions, byId) {
    return transactions.map(function (t) {
      var merchant = t.merchant_name || (t.counterparties && t.counterparties[0] && t.counterparties[0].name) || t.name;
      return el("tr", { "data-testid": "transaction-row" }, [
        el("td", { class: "nowrap" }, [D.day(t.date, false)]),
        el("td", {}, [
          el("div", { class: "merchant" }, [
            logo(merchant, t.logo_url || (t.counterparties && t.counterparties[0] && t.counterparties[0].logo_url)),
            el("div", {}, [
              el("span", { class: "strong merchant-name" }, [merchant]),
              t.pending ? D.badge("Pending", "pending") : null,
              el("span", { class: "sub" }, [D.accountLabel(byId[t.account_id])]),
            ]),
          ]),
        ]),
        el("td", { class: "hide-narrow" }, category(t.personal_finance_category)),
        el("td", { class: "num" }, [D.signedAmount(t.amount, t.iso_currency_code || t.unofficial_currency_code)]),
      ]);
    });
  }

  function streamRows(streams) {
    // The largest streams first: what a budget is built around.
    var largest = streams.slice().sort(function (a, b) {
      return Math.abs((b.average_amount || {}).amount || 0) - Math.abs((a.average_amount || {}).amount || 0);
    });
    return largest.slice(0, 8).map(function (s) {
      var amount = s.average_amount || {};
      return el("tr", {}, [
        el("td", {}, [el("span", { class: "strong" }, [s.merchant_name || s.description]), s.is_active === false ? D.badge("Inactive") : null]),
        el("td", {}, [D.words(s.frequency)]),
        el("td", { class: "hide-narrow nowrap" }, [D.day(s.last_date, false)]),
        el("td", { class: "num" }, [D.money(Math.abs(amount.amount), amount.iso_currency_code || amount.unofficial_currency_code)]),
      ]);
    });
  }

  // Calls `ask` until `notReady(result or error)` is false, telling `status` how it goes.
  function untilReady(session, ask, notReady, status, what) {
    var started = Date.now();
    var wait = FIRST_WAIT_MS;
    var attempts = 0;
    return new Promise(function (resolve, reject) {
      function attempt() {
        if (!session.alive) return;
        attempts += 1;
        ask().then(function (result) {
          if (!notReady(result, null)) return resolve(result);
          retry();
        }, function (error) {
          if (!notReady(null, error)) return reject(error);
          retry();
        });
      }
      function retry() {
        if (!session.alive) return;
        if (Date.now() - started > GIVE_UP_AFTER_MS) {
          status.textContent = "Gave up waiting for " + what + " after " + attempts + " checks. Link again to retry.";
          status.className = "muted";
          return;
        }
        status.textContent = "Waiting for " + what + ": checked " + attempts + (attempts === 1 ? " time" : " times") +
          ", checking again in " + Math.round(wait / 1000) + " s…";
        setTimeout(attempt, wait);
        wait = Math.min(wait * 1.5, LONGEST_WAIT_MS);
      }
      attempt();
    });
  }

  function transactions(panel, session) {
    var status = el("p", { class: "loading", role: "status", "data-testid": "transactions-status" }, ["Asking /transactions/sync whether transactions are ready…"]);
    var list = el("div", { "data-testid": "transactions-list" });
    var recurring = el("div", { "data-testid": "transactions-recurring" });
    fill(panel, [el("h3", {}, ["Latest transactions"]), status, list, recurring]);
    var syncReady = untilReady(session, function () {
      return D.plaid("/transactions/sync", { count: 1 });
    }, function (result) {
      return result !== null && result.transactions_update_status === "NOT_READY";
    }, status, "Gingham's initial pull of transactions (transactions_update_status NOT_READY)");
    syncReady.then(function () {
      return untilReady(session, function () { return D.plaid("/transactions/get"); }, function (result, error) {
        return error !== null && error.error_code === "PRODUCT_NOT_READY";
      }, status, "the initial pull of transactions (PRODUCT_NOT_READY)");
    }).then(function (data) {
      status.textContent = "Showing the latest " + data.transactions.length + " of " + data.total_transactions + " transactions from the last 90 days (/transactions/get).";
      status.className = "muted";
      var byId = D.accountsById(data.accounts);
      var newestFirst = data.transactions.slice().sort(function (a, b) { return a.date < b.date ? 1 : a.date > b.date ? -1 : 0; });
      fill(list, [D.table("Latest transactions", ["Date", "Merchant", { text: "Category", class: "hide-narrow" }, { text: "Amount", class: "num" }], transactionRows(newestFirst, byId), "transactions-table")]);
      var recurringStatus = el("p", { class: "loading", role: "status", "data-testid": "recurring-status" }, ["Asking /transactions/recurring/get for recurring streams…"]);
      fill(recurring, [el("h3", {}, ["Recurring"]), recurringStatus]);
      // Streams are found in the whole history, so they wait for the historical pull.
      return untilReady(session, function () { return D.plaid("/transactions/recurring/get"); }, function (result, error) {
        return error !== null && error.error_code === "PRODUCT_NOT_READY";
      }, recurringStatus, "the historical pull, which recurring streams need (PRODUCT_NOT_READY)").then(function (streams) {
        fill(recurring, [
          el("h3", {}, ["Recurring"]),
          el("div", { class: "two-up" }, [
            el("div", {}, [el("h4", {}, ["Money in"]), streams.inflow_streams.length ? D.table("Recurring income", ["From", "Every", { text: "Last", class: "hide-narrow" }, { text: "Average", class: "num" }], streamRows(streams.inflow_streams), "recurring-inflows") : el("p", { class: "muted" }, ["No recurring income found."])]),
            el("div", {}, [el("h4", {}, ["Money out"]), streams.outflow_streams.length ? D.table("Recurring payments", ["To", "Every", { text: "Last", class: "hide-narrow" }, { text: "Average", class: "num" }], streamRows(streams.outflow_streams), "recurring-outflows") : el("p", { class: "muted" }, ["No recurring payments found."])]),
          ]),
        ]);
      }, function (error) {
        fill(recurring, [el("h3", {}, ["Recurring"]), D.errorBox(error, "recurring transactions")]);
      });
    }).catch(function (error) {
      status.remove();
      fill(list, [D.errorBox(error, "transactions")]);
    });
  }

  window.DemoPanels.transactions = transactions;
})();
