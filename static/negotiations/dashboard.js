// The track page's chart (in the part of the page loaded on its own): meetings per month between the pairs of
// actors that met most. The numbers come from the canvas's data-chart attribute (no inline script); the table
// beside the chart holds the same numbers.
(() => {
  const PALETTE = ["#0b5cad", "#c2410c", "#1d6b35", "#7c3aed", "#a3221b", "#4d5560"];

  function draw() {
    const canvas = document.getElementById("meeting-frequency-chart");
    if (!canvas || typeof Chart === "undefined" || Chart.getChart(canvas)) return;
    const data = JSON.parse(canvas.dataset.chart);
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map((dataset, index) => ({
          ...dataset,
          backgroundColor: PALETTE[index % PALETTE.length],
          borderColor: PALETTE[index % PALETTE.length],
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : { duration: 300 },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Meetings" } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  // The chart's part of the track page arrives on its own (htmx); its page without JavaScript has it at once.
  // htmx:load is sent for each element htmx adds to the page.
  document.addEventListener("htmx:load", () => draw());
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
