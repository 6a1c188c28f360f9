// The dashboard's sections: each reads one product of the linked Item through the demo's backend
// and draws it, or draws Plaid's error when the Item lacks the product.
(function () {
  "use strict";

  var D = window.Demo;
  var el = D.el;

  function fill(panel, children) {
    panel.replaceChildren.apply(panel, children.filter(Boolean));
  }

  // --- Accounts -----------------------------------------------------------------------------

  function balance(account) {
    var b = account.balances;
    var amount = b.available !== null && account.type === "depository" ? b.available : b.current;
    return D.money(amount, b.iso_currency_code || b.unofficial_currency_code);
  }

  function accounts(panel, data) {
    var rows = data.accounts.map(function (account) {
      var kind = D.words(account.subtype || account.type);
      return el("tr", {}, [
        el("td", {}, [
          el("span", { class: "strong" }, [account.name]),
          account.official_name ? el("span", { class: "sub hide-narrow" }, [account.official_name]) : null,
          // On a phone the mask and type columns fold into the account's own cell.
          el("span", { class: "sub show-narrow" }, ["•••• " + (account.mask || "") + " · " + kind]),
        ]),
        el("td", { class: "hide-narrow nowrap" }, ["•••• " + (account.mask || "")]),
        el("td", { class: "hide-narrow" }, [kind]),
        el("td", { class: "num" }, [balance(account)]),
      ]);
    });
    fill(panel, [
      el("h3", {}, ["Accounts"]),
      D.table("Accounts", ["Account", { text: "Mask", class: "hide-narrow" }, { text: "Type", class: "hide-narrow" }, { text: "Balance", class: "num" }], rows, "demo-accounts"),
    ]);
  }

  // Totals across the Item, by what the money is, in US dollars.
  function summary(box, accounts) {
    var groups = [
      ["Cash", function (a) { return a.type === "depository"; }],
      ["Investments", function (a) { return a.type === "investment" || a.type === "brokerage"; }],
      ["Credit cards", function (a) { return a.type === "credit"; }],
      ["Loans", function (a) { return a.type === "loan"; }],
    ];
    var tiles = groups.map(function (group) {
      var members = accounts.filter(function (a) {
        return group[1](a) && (a.balances.iso_currency_code || "USD") === "USD";
      });
      if (!members.length) return null;
      var total = members.reduce(function (sum, a) { return sum + (a.balances.current || 0); }, 0);
      return el("div", { class: "tile" }, [
        el("span", { class: "tile-label" }, [group[0]]),
        el("span", { class: "tile-value" }, [D.money(total, "USD")]),
        el("span", { class: "tile-note" }, [members.length + (members.length === 1 ? " account" : " accounts")]),
      ]);
    });
    fill(box, tiles);
  }

  // --- Auth ----------------------------------------------------------------------------------

  function auth(panel, data) {
    var byId = D.accountsById(data.accounts);
    var numbers = data.numbers || {};
    var parts = [el("h3", {}, ["Account and routing numbers"])];
    if ((numbers.ach || []).length) {
      parts.push(D.table("ACH numbers", ["Account", "Account number", "Routing", { text: "Wire routing", class: "hide-narrow" }], numbers.ach.map(function (n) {
        return el("tr", {}, [
          el("td", {}, [D.accountLabel(byId[n.account_id])]),
          el("td", { class: "mono" }, [n.account]),
          el("td", { class: "mono" }, [n.routing]),
          el("td", { class: "mono hide-narrow" }, [n.wire_routing || "—"]),
        ]);
      }), "auth-ach"));
    }
    if ((numbers.eft || []).length) {
      parts.push(el("h4", {}, ["EFT (Canada)"]));
      parts.push(D.table("EFT numbers", ["Account", "Account number", "Institution", "Branch"], numbers.eft.map(function (n) {
        return el("tr", {}, [el("td", {}, [D.accountLabel(byId[n.account_id])]), el("td", { class: "mono" }, [n.account]), el("td", { class: "mono" }, [n.institution]), el("td", { class: "mono" }, [n.branch])]);
      })));
    }
    if ((numbers.international || []).length) {
      parts.push(el("h4", {}, ["International"]));
      parts.push(D.table("IBAN and BIC", ["Account", "IBAN", "BIC"], numbers.international.map(function (n) {
        return el("tr", {}, [el("td", {}, [D.accountLabel(byId[n.account_id])]), el("td", { class: "mono" }, [n.iban]), el("td", { class: "mono" }, [n.bic])]);
      })));
    }
    if ((numbers.bacs || []).length) {
      parts.push(el("h4", {}, ["BACS (UK)"]));
      parts.push(D.table("BACS numbers", ["Account", "Account number", "Sort code"], numbers.bacs.map(function (n) {
        return el("tr", {}, [el("td", {}, [D.accountLabel(byId[n.account_id])]), el("td", { class: "mono" }, [n.account]), el("td", { class: "mono" }, [n.sort_code])]);
      })));
    }
    if (parts.length === 1) parts.push(el("p", { class: "muted" }, ["No account numbers were returned."]));
    fill(panel, parts);
  }

  // --- Identity ------------------------------------------------------------------------------

  function contactList(entries, render) {
    if (!entries || !entries.length) return el("span", { class: "muted" }, ["—"]);
    return el("ul", { class: "plain" }, entries.map(function (entry) {
      var type = entry.type && entry.type !== "primary" ? el("span", { class: "sub inline" }, [D.words(entry.type)]) : null;
      // Spaces between the parts, so a long email can wrap before its labels.
      return el("li", {}, [render(entry), type ? " " : null, type, entry.primary ? " " : null, entry.primary ? D.badge("Primary", "info") : null]);
    }));
  }

  // North American numbers as people write them; any other as the bank sent it.
  function phone(raw) {
    var digits = String(raw || "").replace(/\D/g, "");
    if (digits.length === 11 && digits.charAt(0) === "1") digits = digits.slice(1);
    if (digits.length !== 10) return raw;
    return "(" + digits.slice(0, 3) + ") " + digits.slice(3, 6) + "-" + digits.slice(6);
  }

  function address(entry) {
    var a = entry.data || {};
    return [a.street, [a.city, a.region].filter(Boolean).join(", ") + (a.postal_code ? " " + a.postal_code : ""), a.country].filter(Boolean).join(", ");
  }

  function identity(panel, data) {
    // The same person usually owns several accounts: one card per owner, listing their accounts.
    var owners = [];
    var byKey = {};
    data.accounts.forEach(function (account) {
      (account.owners || []).forEach(function (owner) {
        var key = JSON.stringify(owner);
        if (!byKey[key]) {
          byKey[key] = { owner: owner, accounts: [] };
          owners.push(byKey[key]);
        }
        byKey[key].accounts.push(account);
      });
    });
    var cards = owners.map(function (entry) {
      var owner = entry.owner;
      return el("article", { class: "owner", "data-testid": "identity-owner" }, [
        el("h4", {}, [(owner.names || []).join(" · ") || "Unnamed owner"]),
        el("dl", { class: "facts" }, [
          D.figure("Addresses", contactList(owner.addresses, address)),
          D.figure("Emails", contactList(owner.emails, function (e) { return e.data; })),
          D.figure("Phones", contactList(owner.phone_numbers, function (p) { return phone(p.data); })),
          D.figure("Accounts", el("span", {}, [entry.accounts.map(D.accountLabel).join(", ")])),
        ]),
      ]);
    });
    var joint = data.accounts.filter(function (a) { return (a.owners || []).length > 1; });
    fill(panel, [
      el("h3", {}, ["Account owners"]),
      joint.length ? el("p", { class: "muted" }, ["Joint: " + joint.map(D.accountLabel).join(", ") + " (" + joint[0].owners.length + " owners)."]) : null,
      cards.length ? el("div", { class: "cards owners" }, cards) : el("p", { class: "muted" }, ["The bank returned no owners."]),
    ]);
  }

  // --- Investments ---------------------------------------------------------------------------

  function securityCell(security) {
    if (!security) return [el("span", { class: "muted" }, ["Unknown security"])];
    return [
      security.ticker_symbol ? el("span", { class: "ticker" }, [security.ticker_symbol]) : null,
      el("span", { class: "strong" }, [security.name || security.ticker_symbol || "Unnamed"]),
      el("span", { class: "sub" }, [D.words(security.type)]),
    ];
  }

  // "Plaid IRA ••5555 and Plaid 401k ••6666."
  function held(holdings, byId) {
    var names = [];
    holdings.forEach(function (h) {
      var name = D.accountLabel(byId[h.account_id]);
      if (names.indexOf(name) < 0) names.push(name);
    });
    if (names.length < 2) return (names[0] || "no account") + ".";
    return names.slice(0, -1).join(", ") + " and " + names[names.length - 1] + ".";
  }

  function holdings(target, data) {
    var securities = {};
    (data.securities || []).forEach(function (s) { securities[s.security_id] = s; });
    var byId = D.accountsById(data.accounts);
    var rows = data.holdings.slice().sort(function (a, b) { return (b.institution_value || 0) - (a.institution_value || 0); });
    var total = rows.reduce(function (sum, h) { return sum + ((h.iso_currency_code || "USD") === "USD" ? h.institution_value || 0 : 0); }, 0);
    fill(target, [
      el("h3", {}, ["Holdings"]),
      el("p", { class: "muted" }, [rows.length + " holdings worth " + D.money(total, "USD") + " in " + held(rows, byId)]),
      D.table("Holdings", ["Security", { text: "Account", class: "hide-narrow" }, { text: "Quantity", class: "num" }, { text: "Price", class: "num hide-narrow" }, { text: "Value", class: "num" }], rows.map(function (h) {
        var currency = h.iso_currency_code || h.unofficial_currency_code;
        return el("tr", { "data-testid": "holding-row" }, [
          el("td", {}, [el("div", { class: "security" }, securityCell(securities[h.security_id]))]),
          el("td", { class: "hide-narrow" }, [D.accountLabel(byId[h.account_id])]),
          el("td", { class: "num" }, [D.number(h.quantity)]),
          el("td", { class: "num hide-narrow" }, [D.money(h.institution_price, currency)]),
          el("td", { class: "num" }, [D.money(h.institution_value, currency)]),
        ]);
      }), "holdings-table"),
    ]);
  }

  function investmentTransactions(target, data) {
    var securities = {};
    (data.securities || []).forEach(function (s) { securities[s.security_id] = s; });
    var rows = data.investment_transactions.slice().sort(function (a, b) { return a.date < b.date ? 1 : a.date > b.date ? -1 : 0; });
    fill(target, [
      el("h3", {}, ["Recent investment transactions"]),
      rows.length ? D.table("Recent investment transactions", ["Date", "Description", { text: "Type", class: "hide-narrow" }, { text: "Quantity", class: "num hide-narrow" }, { text: "Amount", class: "num" }], rows.map(function (t) {
        var security = securities[t.security_id];
        var currency = t.iso_currency_code || t.unofficial_currency_code;
        return el("tr", { "data-testid": "investment-transaction-row" }, [
          el("td", { class: "nowrap" }, [D.day(t.date)]),
          el("td", {}, [security && security.ticker_symbol ? el("span", { class: "ticker" }, [security.ticker_symbol]) : null, el("span", {}, [t.name])]),
          el("td", { class: "hide-narrow" }, [D.words(t.subtype || t.type)]),
          el("td", { class: "num hide-narrow" }, [t.quantity ? D.number(t.quantity) : "—"]),
          el("td", { class: "num" }, [D.signedAmount(t.amount, currency)]),
        ]);
      }), "investment-transactions-table") : el("p", { class: "muted" }, ["No investment transactions in the last year."]),
    ]);
  }

  // --- Liabilities ---------------------------------------------------------------------------

  function liabilityCard(kind, title, figures, testid) {
    return el("article", { class: "liability", "data-testid": testid }, [
      el("p", { class: "kicker" }, [kind]),
      el("h4", {}, [title]),
      el("dl", { class: "figures" }, figures.filter(Boolean).map(function (f) { return D.figure(f[0], f[1]); })),
    ]);
  }

  function liabilities(panel, data) {
    var byId = D.accountsById(data.accounts);
    var l = data.liabilities || {};
    var usd = function (amount) { return D.money(amount, "USD"); };
    var credit = (l.credit || []).map(function (c) {
      var purchase = (c.aprs || []).filter(function (a) { return a.apr_type === "purchase_apr"; })[0] || (c.aprs || [])[0];
      return liabilityCard("Credit card", D.accountLabel(byId[c.account_id]), [
        ["Statement balance", usd(c.last_statement_balance)],
        ["Minimum payment", usd(c.minimum_payment_amount)],
        ["Payment due", D.day(c.next_payment_due_date)],
        ["Purchase APR", purchase ? D.percent(purchase.apr_percentage) : "—"],
        ["Last payment", usd(c.last_payment_amount) + (c.last_payment_date ? " on " + D.day(c.last_payment_date) : "")],
        c.is_overdue ? ["Status", D.badge("Overdue", "danger")] : null,
      ], "liability-credit");
    });
    var student = (l.student || []).map(function (s) {
      var pslf = s.pslf_status || {};
      return liabilityCard("Student loan", s.loan_name || D.accountLabel(byId[s.account_id]), [
        ["Interest rate", D.percent(s.interest_rate_percentage)],
        ["Minimum payment", usd(s.minimum_payment_amount)],
        ["Payment due", D.day(s.next_payment_due_date)],
        ["Original principal", usd(s.origination_principal_amount)],
        ["Repayment plan", (s.repayment_plan && (s.repayment_plan.description || D.words(s.repayment_plan.type))) || "—"],
        ["PSLF payments left", pslf.payments_remaining === null || pslf.payments_remaining === undefined ? "—" : String(pslf.payments_remaining)],
      ], "liability-student");
    });
    var mortgage = (l.mortgage || []).map(function (m) {
      var rate = m.interest_rate || {};
      var a = m.property_address || {};
      return liabilityCard("Mortgage", D.accountLabel(byId[m.account_id]), [
        ["Interest rate", D.percent(rate.percentage) + (rate.type ? " " + rate.type : "")],
        ["Monthly payment", usd(m.next_monthly_payment)],
        ["Payment due", D.day(m.next_payment_due_date)],
        ["Escrow balance", usd(m.escrow_balance)],
        ["Matures", D.day(m.maturity_date)],
        ["Property", [a.street, a.city, a.region].filter(Boolean).join(", ") || "—"],
      ], "liability-mortgage");
    });
    var cards = credit.concat(student, mortgage);
    var parts = [el("h3", {}, ["Liabilities"])];
    parts.push(cards.length ? el("div", { class: "cards" }, cards) : el("p", { class: "muted" }, ["The Item has no liabilities."]));
    fill(panel, parts);
  }

  window.DemoPanels = {
    fill: fill,
    accounts: accounts,
    summary: summary,
    auth: auth,
    identity: identity,
    holdings: holdings,
    investmentTransactions: investmentTransactions,
    liabilities: liabilities,
  };
})();
