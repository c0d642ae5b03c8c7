// The engagement page's charts: Chart.js (loaded before this module, deferred) draws the
// figures the page's tables already show, fetched from the page's data endpoint.

const COLOURS = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0f766e"];

function weeklyChart(canvas, data) {
  return new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.weekly.labels,
      datasets: data.weekly.series.map((series, i) => ({
        label: series.label,
        data: series.data,
        borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: { responsive: true, plugins: { title: { display: true, text: data.titles.weekly } } },
  });
}

function teamsChart(canvas, data) {
  const series = ["message_gini", "turn_gini", "cross_rate"];
  return new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.teams.labels,
      datasets: series.map((key, i) => ({
        label: data.titles[key],
        data: data.teams[key],
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: {
      responsive: true,
      scales: { y: { min: 0, max: 1 } },
      plugins: { title: { display: true, text: data.titles.teams } },
    },
  });
}

const DRAW = { weekly: weeklyChart, teams: teamsChart };

async function main() {
  const figures = document.querySelectorAll("[data-engagement-chart]");
  if (!figures.length || !window.Chart) return;
  const response = await fetch(figures[0].dataset.source, { credentials: "same-origin" });
  if (!response.ok) return; // the tables below hold the same figures
  const data = await response.json();
  for (const figure of figures) {
    const draw = DRAW[figure.dataset.engagementChart];
    if (draw) draw(figure.querySelector("canvas"), data);
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", main);
} else {
  main();
}
