// Draw each figure table of the reports dashboard as a chart above it (Chart.js, served from
// /vendor/chart.js/). The table stays: the chart shows exactly its rows, and screen readers
// read the table; the canvas is hidden from them.

const palette = ['#1f5f8b', '#e07b39', '#3a9a5b', '#8e44ad', '#c0392b', '#7f8c8d'];

function readTable(table) {
  const headers = [...table.tHead.rows[0].cells].map((cell) => cell.textContent.trim());
  const rows = [...table.tBodies[0].rows].filter((row) => row.cells.length === headers.length);
  const labels = rows.map((row) => row.cells[0].textContent.trim());
  const series = headers.slice(1).map((name, i) => ({
    label: name,
    data: rows.map((row) => Number(row.cells[i + 1].dataset.value || 0)),
  }));
  return { labels, series };
}

function draw(table) {
  const { labels, series } = readTable(table);
  if (!labels.length) return;
  const kind = table.dataset.chart === 'doughnut' ? 'doughnut' : 'bar';
  // a rubric table holds before / after / change / students: chart only before and after
  const shown = table.id === 'rubric-change' ? series.slice(0, 2) : series.slice(0, 1);
  const holder = document.createElement('div');
  holder.className = 'report-chart';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('aria-hidden', 'true');
  holder.append(canvas);
  table.before(holder);
  new window.Chart(canvas, {
    type: kind,
    data: {
      labels,
      datasets: shown.map((s, i) => ({
        ...s,
        backgroundColor: kind === 'doughnut' ? palette : palette[i % palette.length],
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: kind === 'doughnut' || shown.length > 1 } },
    },
  });
}

function start() {
  if (!window.Chart) return; // no chart library: the tables say it all
  document.querySelectorAll('table[data-chart]').forEach(draw);
}

if (document.readyState === 'complete') start();
else window.addEventListener('load', start);
