// The Signal section: the user types a debit and picks an account; /signal/evaluate scores how
// likely the debit is to come back, for both kinds of return.
(function () {
  "use strict";

  var D = window.Demo;
  var el = D.el;
  var fill = window.DemoPanels.fill;

  var form = document.getElementById("signal-form");
  var accountSelect = document.getElementById("signal-account");
  var amountInput = document.getElementById("signal-amount");
  var result = document.getElementById("signal-result");
  var submit = form.querySelector("button[type=submit]");

  // Plaid's tiers for each score (deprecated in favour of rules, still in every response).
  var KINDS = [
    { key: "customer_initiated_return_risk", title: "Customer-initiated return risk", tiers: 5,
      about: "Unauthorized-debit returns (R05, R07, R10…), which can come up to 60 days later." },
    { key: "bank_initiated_return_risk", title: "Bank-initiated return risk", tiers: 8,
      about: "Insufficient-funds and closed-account returns (R01, R02…), within 2 banking days." },
  ];

  // Scores run from 1 to 99; the tier, where Plaid still sends one, places the score more
  // precisely for each kind of return.
  function level(risk, tiers) {
    var share = typeof risk.risk_tier === "number" ? risk.risk_tier / tiers : risk.score / 99;
    return share <= 0.4 ? "low" : share <= 0.7 ? "medium" : "high";
  }

  function scoreTile(kind, risk) {
    var band = level(risk, kind.tiers);
    var tier = typeof risk.risk_tier === "number" ? D.badge("Risk tier " + risk.risk_tier + " of " + kind.tiers, band) : null;
    return el("article", { class: "score score-" + band, "data-testid": "signal-score" }, [
      el("h4", {}, [kind.title]),
      el("p", { class: "score-value" }, [
        el("span", { class: "big", "data-testid": "signal-score-value" }, [String(risk.score)]),
        el("span", { class: "muted" }, [" / 99"]),
      ]),
      el("div", { class: "bar", "aria-hidden": "true" }, [el("span", { style: "width:" + risk.score + "%" })]),
      el("p", { class: "tier" }, [tier, el("span", { class: "muted" }, [band === "low" ? "Lower risk" : band === "medium" ? "Moderate risk" : "Higher risk"])]),
      el("p", { class: "muted small" }, [kind.about]),
    ]);
  }

  function show(data, account, amount) {
    var tiles = KINDS.filter(function (kind) { return data.scores && data.scores[kind.key]; }).map(function (kind) {
      return scoreTile(kind, data.scores[kind.key]);
    });
    var ruleset = data.ruleset && data.ruleset.result;
    fill(result, [
      el("p", { class: "status-ok", role: "status" }, ["Scored a " + D.money(amount, "USD") + " debit from " + D.accountLabel(account) + "."]),
      ruleset ? el("p", {}, ["Ruleset ", el("code", {}, [data.ruleset.ruleset_key || "default"]), " says ", D.badge(ruleset, ruleset === "ACCEPT" ? "low" : "high")]) : null,
      el("div", { class: "cards" }, tiles),
      (data.warnings || []).length ? el("ul", { class: "plain muted" }, data.warnings.map(function (w) { return el("li", {}, [w.warning_code + ": " + w.warning_message]); })) : null,
    ]);
  }

  var accounts = {};

  // The accounts a debit can come from: depository ones, as ACH debits do.
  function setAccounts(all) {
    accounts = D.accountsById(all);
    var depository = all.filter(function (a) { return a.type === "depository"; });
    fill(accountSelect, depository.map(function (a) {
      return el("option", { value: a.account_id }, [D.accountLabel(a) + " · " + D.words(a.subtype)]);
    }));
    submit.disabled = depository.length === 0;
    fill(result, depository.length ? [] : [el("p", { class: "muted" }, ["Signal evaluates debits from checking and savings accounts; this Item shares none."])]);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var amount = Number(amountInput.value);
    if (!form.reportValidity()) return;
    var account = accounts[accountSelect.value];
    submit.disabled = true;
    fill(result, [D.loading("Evaluating the debit…")]);
    D.plaid("/signal/evaluate", { account_id: accountSelect.value, amount: amount })
      .then(function (data) { show(data, account, amount); })
      .catch(function (error) { fill(result, [D.errorBox(error, "a Signal score")]); })
      .finally(function () { submit.disabled = false; });
  });

  window.DemoPanels.signalAccounts = setAccounts;
})();
