// The print button on the printable agreement: the browser prints or saves a PDF.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
