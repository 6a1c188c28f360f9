// The Assets and Statements sections: an asset report built on request (the page waits while
// Gingham builds it, as an app waits for PRODUCT_READY), the Item's monthly statements, and the
// PDFs of both, fetched by the backend and handed to the browser as files.
(function () {
  "use strict";

  var D = window.Demo;
  var el = D.el;
  var fill = window.DemoPanels.fill;

  // Asset reports take a few seconds to build; a page without a server of its own asks again.
  var POLL_MS = 1000;
  var GIVE_UP_AFTER_MS = 60000;

  function pdfLink(endpoint, params, label, filename, testid) {
    var holder = el("span", { class: "pdf-slot" });
    var button = el("button", { type: "button", class: "secondary", "data-testid": testid }, [label]);
    button.addEventListener("click", function () {
      button.disabled = true;
      button.textContent = "Preparing the PDF…";
      D.plaidFile(endpoint, params).then(function (blob) {
        var link = el("a", { href: URL.createObjectURL(blob), download: filename, "data-testid": testid + "-link" }, ["Download " + filename]);
        holder.replaceChildren(link);
        link.focus();
      }, function (error) {
        holder.replaceChildren(D.errorBox(error, "the PDF"));
      });
    });
    holder.appendChild(button);
    return holder;
  }

  // --- Assets --------------------------------------------------------------------------------

  function assetRows(report) {
    var rows = [];
    report.items.forEach(function (item) {
      item.accounts.forEach(function (account) {
        rows.push(el("tr", {}, [
          el("td", {}, [D.accountLabel(account), el("span", { class: "sub" }, [item.institution_name])]),
          el("td", { class: "num" }, [D.money(account.balances.current, account.balances.iso_currency_code)]),
          el("td", { class: "num hide-narrow" }, [String(account.days_available)]),
          el("td", { class: "num" }, [String((account.transactions || []).length)]),
        ]));
      });
    });
    return rows;
  }

  function showReport(target, report) {
    fill(target, [
      el("p", { class: "status-ok", role: "status" }, [
        "Asset report ", el("code", {}, [report.asset_report_id]), " covers " + report.days_requested + " days, generated " + D.day(report.date_generated) + ".",
      ]),
      D.table("Asset report accounts", ["Account", { text: "Balance", class: "num" }, { text: "Days available", class: "num hide-narrow" }, { text: "Transactions", class: "num" }], assetRows(report), "assets-accounts"),
      el("p", {}, [pdfLink("/asset_report/pdf/get", {}, "Get the report as a PDF", "asset-report.pdf", "assets-pdf")]),
    ]);
  }

  function waitForReport(target, session, started) {
    return D.plaid("/asset_report/get").then(function (data) {
      if (session.alive) showReport(target, data.report);
    }, function (error) {
      if (!session.alive) return;
      if (error && error.error_code === "PRODUCT_NOT_READY" && Date.now() - started < GIVE_UP_AFTER_MS) {
        return new Promise(function (resolve) { setTimeout(resolve, POLL_MS); }).then(function () {
          return waitForReport(target, session, started);
        });
      }
      fill(target, [D.errorBox(error, "the asset report")]);
    });
  }

  function assets(panel, session) {
    var result = el("div", { "data-testid": "assets-result" });
    var button = el("button", { type: "button", "data-testid": "assets-create" }, ["Create an asset report"]);
    button.addEventListener("click", function () {
      button.disabled = true;
      fill(result, [D.loading("Creating the asset report…")]);
      D.plaid("/asset_report/create").then(function (created) {
        if (!session.alive) return;
        fill(result, [D.loading("Gingham is building report " + created.asset_report_id + "…")]);
        return waitForReport(result, session, Date.now());
      }, function (error) {
        if (session.alive) fill(result, [D.errorBox(error, "the asset report")]);
      }).finally(function () { button.disabled = false; });
    });
    fill(panel, [
      el("h3", {}, ["Asset report"]),
      el("p", { class: "muted" }, [
        "A lender's snapshot of the Item: balances, 90 days of history and the account holders. ",
        "The backend calls ", el("code", {}, ["/asset_report/create"]), ", waits while it builds, then reads it with the report token it keeps.",
      ]),
      el("p", {}, [button]),
      result,
    ]);
  }

  // --- Statements ----------------------------------------------------------------------------

  function monthName(statement) {
    return new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" })
      .format(new Date(Date.UTC(statement.year, statement.month - 1, 1)));
  }

  function statements(panel, data) {
    var rows = [];
    data.accounts.forEach(function (account) {
      (account.statements || []).forEach(function (statement) {
        var label = D.accountLabel({ name: account.account_name, mask: account.account_mask });
        var filename = "statement-" + (account.account_mask || "account") + "-" + statement.year + "-" + String(statement.month).padStart(2, "0") + ".pdf";
        rows.push(el("tr", {}, [
          el("td", {}, [label]),
          el("td", {}, [monthName(statement)]),
          el("td", {}, [pdfLink("/statements/download", { statement_id: statement.statement_id }, "Get PDF", filename, "statement-download")]),
        ]));
      });
    });
    fill(panel, [
      el("h3", {}, ["Statements"]),
      el("p", { class: "muted" }, ["The monthly statements the bank issued for the Item's accounts, from ", el("code", {}, ["/statements/list"]), "."]),
      rows.length
        ? D.table("Statements", ["Account", "Month", "PDF"], rows, "statements-list")
        : el("p", { class: "muted" }, ["No statements in the window Link asked for."]),
    ]);
  }

  window.DemoReports = { assets: assets, statements: statements };
})();
