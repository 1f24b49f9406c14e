// The track page's chart: meetings per month between the pairs of actors that met most. The numbers come
// from the page (json_script, no inline script); the table beside the chart holds the same numbers.
(() => {
  const PALETTE = ["#0b5cad", "#c2410c", "#1d6b35", "#7c3aed", "#a3221b", "#4d5560"];

  function draw() {
    const canvas = document.getElementById("meeting-frequency-chart");
    const source = document.getElementById("meeting-frequency-data");
    if (!canvas || !source || typeof Chart === "undefined") return;
    const data = JSON.parse(source.textContent);
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

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
