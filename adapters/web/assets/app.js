// The playground: send a command, show the reply, run buttons, keep a history.
"use strict";
(function () {
  const form = document.getElementById("ask");
  const input = document.getElementById("text");
  const as = document.getElementById("as");
  const conversation = document.getElementById("conversation");
  const historyList = document.getElementById("history");
  const history = [];
  let cursor = 0;

  function remember(text) {
    if (history[history.length - 1] !== text) {
      history.push(text);
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "again";
      b.textContent = text;
      b.dataset.command = text;
      li.appendChild(b);
      historyList.prepend(li);
      while (historyList.children.length > 20) historyList.lastChild.remove();
    }
    cursor = history.length;
  }

  // ask sends a command, or with form set ({form, values, shown}) a form's values and
  // the command of its button: the server makes the command and says which it was.
  async function ask(text, form) {
    text = text.trim();
    if (!text) return;
    if (!form) remember(text);
    const turn = document.createElement("section");
    turn.className = "turn";
    const q = document.createElement("p");
    q.className = "asked";
    const who = (as.selectedOptions[0] ? as.selectedOptions[0].textContent.split(" — ")[0] : "Admin") + ": ";
    q.textContent = who + (form ? form.shown : text);
    turn.appendChild(q);
    const answer = document.createElement("div");
    answer.className = "answer pending";
    answer.textContent = "…";
    turn.appendChild(answer);
    conversation.appendChild(turn);
    turn.scrollIntoView({ block: "end" });
    try {
      const res = await fetch("/api/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Incumbent-Playground": "1" },
        body: JSON.stringify(form ? { text: text, as: as.value, form: form.form, values: form.values } : { text: text, as: as.value }),
      });
      const body = await res.json();
      if (form && body.command) {
        q.textContent = who + body.command;
        remember(body.command);
      }
      // The server renders the reply with every value escaped.
      answer.innerHTML = body.html;
    } catch (e) {
      answer.textContent = "The server did not answer: " + e;
      answer.classList.add("error");
    }
    answer.classList.remove("pending");
    turn.scrollIntoView({ block: "end" });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    const text = input.value;
    input.value = "";
    ask(text);
  });

  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowUp" && cursor > 0) {
      cursor--;
      input.value = history[cursor];
      e.preventDefault();
    } else if (e.key === "ArrowDown") {
      cursor = Math.min(history.length, cursor + 1);
      input.value = history[cursor] || "";
      e.preventDefault();
    }
  });

  // A button's form: its values go with the button's command and the form.
  document.addEventListener("submit", function (e) {
    const f = e.target.closest("form.buttonform");
    if (!f) return;
    e.preventDefault();
    let form;
    try {
      form = JSON.parse(f.dataset.form);
    } catch (err) {
      return;
    }
    const values = {};
    f.querySelectorAll("input[name]").forEach(function (i) { values[i.name] = i.value; });
    const details = f.closest("details");
    ask(f.dataset.command, { form: form, values: values, shown: details.querySelector("summary").textContent });
    details.open = false;
  });

  document.addEventListener("click", function (e) {
    const b = e.target.closest("button[data-command]");
    if (!b) return;
    const command = b.dataset.command;
    if (command === "share") {
      // Chat platforms post the reply in the channel; here it is marked as shared.
      const reply = b.closest(".answer");
      if (reply) {
        const copy = reply.cloneNode(true);
        copy.classList.add("shared");
        copy.querySelectorAll(".buttons").forEach(function (n) { n.remove(); });
        const turn = document.createElement("section");
        turn.className = "turn";
        const label = document.createElement("p");
        label.className = "asked";
        label.textContent = "Shared in the channel";
        turn.appendChild(label);
        turn.appendChild(copy);
        conversation.appendChild(turn);
        turn.scrollIntoView({ block: "end" });
      }
      return;
    }
    ask(command);
  });
})();
