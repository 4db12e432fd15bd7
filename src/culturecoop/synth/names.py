"""Curated people data for the synthetic cooperative: names, nicknames, places, contacts.

Everything is embedded (no Faker): Québec-typical French given names and surnames with their
accents, English, Irish, Jewish and immigrant-origin names, the nicknames real box-office
clerks type, Montréal (H…) and Québec City (G1…/G2…) forward sortation areas, and e-mail
domains. Every string is encodable in Latin-1 so that every vendor's export can hold it.
E-mail domains use the reserved ``.example`` top-level domain (RFC 2606): a synthetic
address can never reach a real mailbox, even if a campaign is pointed at a real server.
"""

from __future__ import annotations


def split_list(block: str) -> tuple[str, ...]:
    """The comma- or line-separated names of ``block``, stripped, in order."""
    return tuple(name.strip() for name in block.replace("\n", ",").split(",") if name.strip())


# Given names, most frequent first (frequency is drawn from rank, Zipf-like).
GIVEN_FR_F = split_list("""
Marie, Julie, Catherine, Isabelle, Nathalie, Mélanie, Geneviève, Valérie, Stéphanie, Caroline,
Émilie, Audrey, Sophie, Annie, Karine, Véronique, Josée, Chantal, Sylvie, Manon, Josianne,
Marie-Ève, Marie-Claude, Marie-Pier, Anne-Marie, Andrée-Anne, Léa, Chloé, Camille, Florence,
Rosalie, Maude, Mégane, Noémie, Océane, Laurence, Justine, Amélie, Anaïs, Béatrice, Élise,
Gabrielle, Hélène, Jacinthe, Lise, Louise, Ginette, Francine, Johanne, Danielle, Diane, Monique,
Nicole, Suzanne, Thérèse, Renée, Solange, Pascale, Frédérique, Alexandra, Sarah, Zoé, Alice,
Charlotte, Juliette, Clara, Éloïse, Mathilde, Élodie, Ève, Joëlle, Marjolaine, Roxanne, Myriam,
Élisabeth, Andrée, Claudette, Micheline, Lucie, Brigitte, Dominique, Emmanuelle, Gisèle
""")
GIVEN_FR_M = split_list("""
Jean, Pierre, Michel, François, Daniel, Sylvain, Martin, Stéphane, Éric, Patrick, Sébastien,
Mathieu, Maxime, Alexandre, Jonathan, David, Nicolas, Guillaume, Simon, Philippe, Marc, Luc,
Jean-François, Jean-Philippe, Jean-Sébastien, Marc-André, Pierre-Luc, Louis-Philippe, Gabriel,
Samuel, William, Félix, Olivier, Thomas, Raphaël, Antoine, Émile, Léo, Hugo, Louis, Charles,
Étienne, Benoît, Frédéric, Jérôme, Yannick, Dominic, Francis, Denis, Réjean, Gilles, Serge,
Normand, Richard, André, Claude, Gaétan, Mario, Yves, Robert, Alain, Jacques, Raymond, Gérald,
Benjamin, Vincent, Cédric, Loïc, Mathéo, Noël, Rémi, Jérémie, Zacharie, Édouard, Hervé,
Germain, Marcel, Ghislain, René, Joël, Mathis, Xavier, Emmanuel, Christian, Julien, Laurent
""")
GIVEN_EN_F = split_list("""
Jennifer, Sarah, Jessica, Emily, Elizabeth, Katherine, Margaret, Patricia, Susan, Karen, Linda,
Rebecca, Rachel, Hannah, Megan, Lauren, Ashley, Amanda, Nicole, Heather, Samantha, Olivia,
Emma, Abigail, Madison, Grace, Chloe, Maya, Fiona, Siobhan, Deborah, Shannon, Kathleen,
Victoria, Natalie, Alison, Erin, Bridget, Holly, Miriam
""")
GIVEN_EN_M = split_list("""
Michael, David, James, John, Robert, William, Christopher, Matthew, Daniel, Andrew, Ryan,
Kevin, Brian, Mark, Steven, Richard, Thomas, Jason, Patrick, Sean, Liam, Ethan, Noah, Jacob,
Benjamin, Nathan, Tyler, Owen, Connor, Aaron, Joshua, Gregory, Anthony, Joseph, Timothy, Colin,
Neil, Ian, Scott, Adam
""")
# Names common to both communities of Montréal (Haitian, Maghrebi, Vietnamese, Latin American...).
GIVEN_OTHER_F = split_list("""
Fatima, Amina, Yasmine, Nadia, Leila, Sofia, Mariana, Valentina, Daniela, Linh, Mai, Thi Lan,
Anh, Mei, Priya, Aïcha, Fatou, Mireille, Nathalie-Rose, Ines, Sara, Rania, Hoda, Jasmine
""")
GIVEN_OTHER_M = split_list("""
Mohamed, Ahmed, Karim, Youssef, Omar, Mehdi, Samir, Rachid, Carlos, Diego, Alejandro, Mateo,
Minh, Duc, Tuan, Wei, Jun, Arjun, Rajesh, Mamadou, Moussa, Ousmane, Wilner, Jean-Robert
""")

SURNAMES_FR = split_list("""
Tremblay, Gagnon, Roy, Côté, Bouchard, Gauthier, Morin, Lavoie, Fortin, Gagné, Ouellet,
Pelletier, Bélanger, Lévesque, Bergeron, Leblanc, Paquette, Girard, Simard, Boucher, Caron,
Beaulieu, Cloutier, Dubé, Poirier, Fournier, Lapointe, Leclerc, Lefebvre, Poulin, Thibault,
St-Pierre, Nadeau, Martin, Landry, Martel, Bédard, Grenier, Lessard, Bernier, Richard, Michaud,
Hébert, Desjardins, Couture, Turcotte, Lachance, Parent, Blais, Gosselin, Savard, Proulx,
Beaudoin, Demers, Perron, Boudreau, Lemieux, Cyr, Perreault, Dufour, Dion, Mercier, Bolduc,
Bérubé, Boivin, Langlois, Ménard, Vachon, Rousseau, Paradis, Tessier, Labbé, Lemay,
Charbonneau, Gingras, Champagne, Brassard, Duchesne, Plante, Giroux, Dumont, Bisson, Lacroix,
Marcoux, Doyon, Lalonde, Vaillancourt, Thériault, Sauvé, Brisson, Trudel, Laflamme, Racine,
Gravel, Chabot, Chevalier, Desrosiers, Brunet, Allard, Legault, Létourneau, Francoeur, Labelle,
Drolet, Audet, Massé, Séguin, Émond, Huot, Rioux, Harvey, Lemire, Bourque, Gendron, Léger,
Fontaine, Lamontagne, Lebel, Bilodeau, Guay, Jolicoeur, Asselin, Béland, Carrier, Daigle,
Fréchette, Gélinas, Hamel, Jobin, Lafrance, Lamarche, Marchand, Nolin, Ouimet, Paré, Quirion,
Rivard, Sirois, Thibodeau, Vézina, D'Amours, L'Heureux, St-Onge, Ste-Marie, Pépin, Prévost,
Archambault, Bélisle, Carbonneau, Deschênes, Fillion, Hudon, Lacasse, Lefrançois, Mailloux
""")
SURNAMES_EN = split_list("""
O'Brien, Murphy, Smith, Johnson, Brown, Wilson, Campbell, MacDonald, Stewart, Robertson,
Thompson, Anderson, Taylor, Walsh, Kelly, O'Neill, Ryan, Fraser, Morrison, Clarke, Hughes,
Cohen, Goldberg, Levy, Rosenberg, Katz, Friedman, Miller, Davies, Evans, Graham, Ross,
McKenzie, Sullivan, Doyle, Gallagher, Reid, Scott, Young, Bennett, Cameron, Fitzgerald,
Hamilton, Kennedy, Mitchell, Phillips, Shapiro, Weinstein, Wright, Cooper
""")
SURNAMES_OTHER = split_list("""
Nguyen, Tran, Pham, Le, Hoang, Chen, Wang, Li, Zhang, Liu, Singh, Patel, Sharma, Haddad,
Khoury, Saad, Diallo, Traoré, Ndiaye, Joseph, Pierre, Jean-Baptiste, Charles, Louis, Étienne,
Désir, Rodriguez, Garcia, Martinez, Gonzalez, Hernandez, Lopez, Silva, Santos, Rossi, Russo,
Romano, Esposito, Ferraro, Papadopoulos, Kowalski, Nowak, Benali, Mansour, Ahmed, Ali, Kim,
Park, Bensaïd, Aït-Ahmed
""")

# Long form: short forms clerks and patrons actually type.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob"), "Catherine": ("Cath", "Cathy"), "Jean-François": ("J-F", "JF"),
    "Jean-Philippe": ("J-P", "JP"), "Jean-Sébastien": ("J-S",), "Marc-André": ("M-A",),
    "Pierre-Luc": ("P-L",), "Louis-Philippe": ("L-P",), "Alexandre": ("Alex",),
    "Alexandra": ("Alex",), "Christopher": ("Chris",), "Elizabeth": ("Liz", "Beth"),
    "Élisabeth": ("Babette", "Élise"), "William": ("Will", "Bill"), "Michael": ("Mike",),
    "Nicolas": ("Nico",), "Maxime": ("Max",), "Gabriel": ("Gab",), "Gabrielle": ("Gab", "Gaby"),
    "Frédéric": ("Fred",), "Frédérique": ("Fred",), "Stéphanie": ("Steph",),
    "Stéphane": ("Steph",), "Samuel": ("Sam",), "Samantha": ("Sam",), "Mathieu": ("Math",),
    "Benjamin": ("Ben",), "Thomas": ("Tom",), "Joseph": ("Joe",), "Daniel": ("Dan", "Dany"),
    "Jonathan": ("Jo", "Jon"), "Philippe": ("Phil",), "Patrick": ("Pat",),
    "Patricia": ("Pat", "Trish"), "Jennifer": ("Jen", "Jenny"), "Katherine": ("Kate", "Katie"),
    "Margaret": ("Maggie", "Peggy"), "Richard": ("Rick", "Dick"), "James": ("Jim", "Jimmy"),
    "Anthony": ("Tony",), "Nathalie": ("Nat",), "Isabelle": ("Isa",), "Valérie": ("Val",),
    "Véronique": ("Véro",), "Caroline": ("Caro",), "Sébastien": ("Seb", "Séb"),
    "Dominique": ("Dom",), "Emmanuel": ("Manu",), "Emmanuelle": ("Manu",),
    "Mohamed": ("Mo", "Momo"), "Alejandro": ("Alex",), "Guillaume": ("Guy",),
    "Matthew": ("Matt",), "Andrew": ("Andy", "Drew"), "Gregory": ("Greg",),
    "Timothy": ("Tim",), "Steven": ("Steve",), "Deborah": ("Debbie", "Deb"),
    "Rebecca": ("Becky",), "Kathleen": ("Kathy",), "Victoria": ("Vicky",),
    "Marie-Ève": ("Marie-Eve",), "Geneviève": ("Gen",), "Josianne": ("Josie",),
}

# Forward sortation areas. Montréal island and Laval; Québec City and its suburbs.
FSA_MONTREAL = split_list("""
H2X, H2W, H2J, H2H, H2T, H2V, H2S, H2R, H2L, H2K, H3B, H3A, H3G, H3H, H3J, H3K, H3C, H3N,
H3S, H3T, H3V, H3W, H3X, H4A, H4B, H4C, H4E, H4G, H4H, H4L, H4N, H4R, H1V, H1W, H1X, H1Y,
H1Z, H1N, H1L, H1H, H1G, H1K, H2M, H2N, H2P, H2E, H2G, H2A, H2B, H2C, H8R, H8S, H8T, H9R,
H9S, H9W, H7N, H7T, H7V, H4J, H4K, H4M, H4P, H1M, H1T, H2Y, H2Z
""")
FSA_QUEBEC = split_list("""
G1R, G1K, G1S, G1T, G1V, G1W, G1X, G1Y, G1J, G1L, G1M, G1N, G1P, G1G, G1H, G1E, G1C, G1B,
G1A, G2H, G2A, G2B, G2C, G2E, G2G, G2J, G2K, G2L, G2M, G2N
""")
# Letters allowed in the local delivery unit of a Canadian postal code.
POSTAL_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"

AREA_CODES_MONTREAL = ("514", "438", "450")
AREA_CODES_QUEBEC = ("418", "581")

# Reserved .example domains mirroring the real mix of a Québec audience (weights in %).
EMAIL_DOMAINS: tuple[tuple[str, float], ...] = (
    ("gmail.example", 30), ("hotmail.example", 17), ("outlook.example", 8),
    ("videotron.example", 10), ("yahoo.example", 8), ("icloud.example", 6),
    ("bell.example", 4), ("sympatico.example", 3), ("live.example", 4), ("globetrotter.example", 4),
    ("ulaval.example", 2), ("umontreal.example", 2), ("protonmail.example", 2),
)
