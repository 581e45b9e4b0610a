// Live countdowns to each deadline, and a reload when the queue changes. No inline script: the
// Content-Security-Policy allows only this file.
"use strict";

function formatLeft(seconds, el) {
  const abs = Math.abs(seconds);
  const h = Math.floor(abs / 3600), m = Math.floor((abs % 3600) / 60), s = Math.floor(abs % 60);
  let text = (h ? h + "h " : "") + (h || m ? m + "m " : "") + s + "s";
  if (document.documentElement.lang === "fa") {
    text = text.replace(/h/, " ساعت").replace(/m/, " دقیقه").replace(/s/, " ثانیه")
      .replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);
  }
  return seconds >= 0 ? text + " " + (el.dataset.left || "left") : (el.dataset.overdue || "overdue") + " " + text;
}

function urgency(seconds) {
  if (seconds < 0) return "overdue";
  if (seconds < 15 * 60) return "soon";
  if (seconds <= 30 * 60) return "warn";
  return "ok";
}

function tick() {
  document.querySelectorAll("[data-due]").forEach((el) => {
    const left = (Date.parse(el.dataset.due) - Date.now()) / 1000;
    el.textContent = formatLeft(left, el);
    const card = el.closest(".alert");
    if (card) {
      card.classList.remove("ok", "warn", "soon", "overdue");
      card.classList.add(urgency(left));
    }
  });
}

async function watchQueue() {
  const counter = document.getElementById("alert-count");
  if (!counter) return;
  try {
    const response = await fetch("/api/alerts", { credentials: "same-origin" });
    if (!response.ok) return;
    const ids = (await response.json()).alerts.map((a) => a.id).join(",");
    if (ids !== counter.dataset.ids) window.location.reload();
  } catch (e) { /* the daemon may be restarting; try again next time */ }
}

tick();
setInterval(tick, 1000);
setInterval(watchQueue, 10000);
