// The demo app's front end: what an app's own page does with Plaid Link.
(function () {
  "use strict";

  var form = document.getElementById("demo-form");
  var button = document.getElementById("link-button");
  var statusBox = document.getElementById("status");
  var result = document.getElementById("result");
  var events = document.getElementById("events");
  var handler = null;

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) throw json;
        return json;
      });
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function log(kind, name, detail) {
    var time = new Date().toISOString().slice(11, 23);
    var item = el("li", { class: "event event-" + kind }, [
      el("span", { class: "time" }, [time]),
      el("strong", {}, [name]),
      detail ? el("code", {}, [detail]) : "",
    ]);
    events.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function say(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "status" + (kind ? " status-" + kind : "");
  }

  function eventDetail(metadata) {
    var keys = ["view_name", "institution_name", "mfa_type", "error_code", "exit_status", "institution_search_query"];
    return keys
      .filter(function (key) { return metadata[key]; })
      .map(function (key) { return key + "=" + metadata[key]; })
      .join(" ");
  }

  function money(balances) {
    var amount = balances.available !== null ? balances.available : balances.current;
    if (amount === null) return "—";
    return new Intl.NumberFormat(undefined, { style: "currency", currency: balances.iso_currency_code || "USD" }).format(amount);
  }

  function showAccounts(data) {
    var rows = data.accounts.map(function (account) {
      return el("tr", {}, [
        el("td", {}, [account.name]),
        el("td", {}, ["•••• " + (account.mask || "")]),
        el("td", {}, [account.subtype || account.type]),
        el("td", { class: "num" }, [money(account.balances)]),
      ]);
    });
    result.replaceChildren(
      el("h3", {}, ["Linked " + (data.item.institution_name || "an institution")]),
      el("p", { class: "muted" }, ["item_id ", el("code", {}, [data.item.item_id])]),
      el("table", { "data-testid": "demo-accounts" }, [
        el("thead", {}, [el("tr", {}, ["Account", "Mask", "Type", "Balance"].map(function (h) {
          return el("th", { scope: "col" }, [h]);
        }))]),
        el("tbody", {}, rows),
      ])
    );
  }

  function onSuccess(publicToken, metadata) {
    log("success", "onSuccess", metadata.accounts.length + " account(s) at " + metadata.institution.name);
    say("Exchanging the public token…");
    post("/_gingham/demo/exchange", { public_token: publicToken })
      .then(function (data) {
        say("Linked. This is what your backend reads with /accounts/get.", "ok");
        showAccounts(data);
      })
      .catch(function (error) {
        say("The exchange failed: " + (error.error_message || error), "error");
      })
      .finally(finish);
  }

  function onExit(error, metadata) {
    log("exit", "onExit", "status=" + metadata.status + (error ? " error=" + error.error_code : ""));
    say(error ? "Link exited with " + error.error_code + ": " + (error.display_message || error.error_message) : "Link closed without linking.", error ? "error" : "");
    finish();
  }

  function finish() {
    if (handler) handler.destroy();
    handler = null;
    button.disabled = false;
  }

  function openLink(token, receivedRedirectUri) {
    var config = {
      token: token,
      onSuccess: onSuccess,
      onExit: onExit,
      onEvent: function (name, metadata) { log("event", name, eventDetail(metadata)); },
      onLoad: function () { say("Link is open."); },
    };
    if (receivedRedirectUri) config.receivedRedirectUri = receivedRedirectUri;
    handler = window.Plaid.create(config);
    handler.open();
  }

  // Back from an OAuth bank in the redirect flow (webviews): finish in Link with the same token.
  if (new URLSearchParams(window.location.search).has("oauth_state_id")) {
    var saved = sessionStorage.getItem("gingham_demo_link_token");
    if (saved) {
      button.disabled = true;
      log("info", "redirect", "back from the bank; re-initialising Link with receivedRedirectUri");
      openLink(saved, window.location.href);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    result.replaceChildren();
    say("Creating a link token…");
    post("/_gingham/demo/link_token", { products: [form.products.value] })
      .then(function (data) {
        log("info", "link token", data.link_token);
        sessionStorage.setItem("gingham_demo_link_token", data.link_token);
        openLink(data.link_token);
      })
      .catch(function (error) {
        say("Could not create a link token: " + (error.error_message || error), "error");
        button.disabled = false;
      });
  });
})();
