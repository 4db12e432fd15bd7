// Plotly in French: month and day names, decimal comma, narrow spaces between thousands, and the
// chart toolbar's words. Plotly's Python package ships only its English locale, so this one is ours.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  Plotly.register({
    moduleType: "locale",
    name: "fr",
    dictionary: {
      "Autoscale": "Échelle automatique",
      "Box Select": "Sélection rectangulaire",
      "Click to enter Colorscale title": "Cliquez pour saisir le titre de l’échelle de couleurs",
      "Click to enter Component A title": "Cliquez pour saisir le titre de la composante A",
      "Click to enter Plot title": "Cliquez pour saisir le titre du graphique",
      "Click to enter X axis title": "Cliquez pour saisir le titre de l’axe des x",
      "Click to enter Y axis title": "Cliquez pour saisir le titre de l’axe des y",
      "Compare data on hover": "Comparer les données au survol",
      "Double-click on legend to isolate one trace": "Double-cliquez sur la légende pour isoler une série",
      "Double-click to zoom back out": "Double-cliquez pour dézoomer",
      "Download plot as a PNG": "Télécharger le graphique en PNG",
      "Download plot as a png": "Télécharger le graphique en PNG",
      "Download plot as a SVG": "Télécharger le graphique en SVG",
      "Download plot as JSON": "Télécharger le graphique en JSON",
      "Reset views": "Réinitialiser les vues",
      "Toggle show closest data on hover": "Afficher ou non la donnée la plus proche au survol",
      "Download plot": "Télécharger le graphique",
      "Lasso Select": "Sélection au lasso",
      "Pan": "Déplacer",
      "Produced with Plotly.js": "Réalisé avec Plotly.js",
      "Reset axes": "Réinitialiser les axes",
      "Reset view": "Réinitialiser la vue",
      "Show closest data on hover": "Afficher la donnée la plus proche au survol",
      "Snapshot succeeded": "Image enregistrée",
      "Sorry, there was a problem downloading your snapshot!": "Désolé, le téléchargement de l’image a échoué.",
      "Taking snapshot - this may take a few seconds": "Création de l’image – cela peut prendre quelques secondes",
      "Toggle Spike Lines": "Afficher ou masquer les lignes de repère",
      "Zoom": "Zoom",
      "Zoom in": "Zoom avant",
      "Zoom out": "Zoom arrière",
      "trace": "série"
    },
    format: {
      days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
      shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
      months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre"],
      shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
      date: "%d/%m/%Y",
      decimal: ",",
      thousands: "\u202f",
      year: "%Y",
      month: "%b %Y",
      dayMonth: "%-d %b",
      dayMonthYear: "%-d %b %Y"
    }
  });
})();
