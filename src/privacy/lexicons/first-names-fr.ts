/**
 * Common French first names (France, Belgium, Switzerland, Quebec; all generations), written from
 * general knowledge for the PERSON detector. Data only: one name per word, accents as usually spelt;
 * the detector also tries each name without accents. Compound names are matched part by part.
 */
export const FIRST_NAMES_FR = `
Aaron Abel Abdel Abdelkader Abdallah Abdoulaye Achille Adam Adama Adel Adèle Adélaïde Adeline Adolphe Adrien Adrienne
Agathe Agnès Ahmed Aïcha Aimée Alain Alais Alban Albane Albert Alberte Albin Alexandra Alexandre Alexane Alexia Alexis
Alfred Alice Alicia Aline Alix Alizée Allan Aloïs Alphonse Amandine Amaury Ambre Amédée Amélie Amine Amir Amira Anaëlle
Anaïs Anatole Andréa André Andrée Ange Angèle Angélique Angéline Anissa Annabelle Anne Annette Annick Annie Anouk
Anselme Anthony Antoine Antoinette Antonin Apolline Arielle Ariane Aristide Arlette Armand Armelle Arnaud Arsène Arthur
Astrid Aubin Audrey Augustin Auguste Augustine Aurélie Aurélien Axel Axelle Aymeric Aymen Aziz Baptiste Barbara Barnabé
Bastien Baudouin Béatrice Bénédicte Benjamin Benoît Benoit Bérangère Bérénice Bernadette Bernard Berthe Bertille Bertrand
Blaise Brice Brigitte Bruno Camille Capucine Carine Carla Carole Caroline Catherine Cécile Céline Célestin Céleste Cédric
Célia Chantal Charlène Charles Charline Charlotte Chloé Christelle Christian Christiane Christine Christophe Claude
Claudette Claudine Clémence Clément Clémentine Cloé Clotilde Colette Coline Colin Coralie Corentin Corinne Cyprien Cyril
Cyrille Damien Daniel Danièle Danielle Daphné Davy David Déborah Delphine Denis Denise Diane Didier Dimitri Dominique
Donatien Dorian Dorothée Edgar Edith Édith Edmond Edouard Édouard Élise Eléonore Éléonore Eliane Éliane Elie Élie Elina
Eliott Élisa Elisabeth Élisabeth Ella Elodie Élodie Eloi Éloi Éloïse Eloïse Elsa Emeline Émeline Émile Emile Émilie
Emilie Emilien Émilien Emma Emmanuel Emmanuelle Enzo Eric Éric Ernest Erwan Erwann Estelle Esteban Esther Ethan Étienne
Etienne Eudes Eugène Eugénie Eulalie Evan Ève Evelyne Évelyne Fabien Fabienne Fabrice Fanny Fatima Fatou Félicie Félix
Ferdinand Fernand Fernande Firmin Flavie Flavien Florent Florentin Florian Floriane Francine Francis Franck François
Françoise Frédéric Frédérique Gabin Gabriel Gabrielle Gaël Gaëlle Gaétan Gaëtan Gaspard Gaston Gautier Geneviève
Geoffrey Geoffroy Georges Georgette Gérald Géraldine Gérard Germain Germaine Ghislain Ghislaine Gilbert Gilberte Gilles
Ginette Gisèle Gislaine Godefroy Guénolé Guilhem Guillaume Gustave Gwénaël Gwenaëlle Gwendoline Hakim Halima Hamza
Hannah Hélène Héloïse Henri Henriette Hervé Hippolyte Honoré Hortense Hubert Hugo Hugues Ibrahim Ilan Inès Ines Irène
Isabelle Isaac Isidore Jacqueline Jacques Jade Jean Jeanne Jeannine Jérémie Jérémy Jérôme Joachim Jocelyn Jocelyne
Joël Joëlle Johan Johanna Jonathan Joris Joseph Joséphine Josette Josiane Josué Jules Julia Julie Julien Juliette
Justin Justine Karim Karima Karine Katia Kévin Kevin Killian Kylian Laetitia Lætitia Laëtitia Léa Léandre Léna Léo
Léon Léonard Léonie Léopold Lilian Liliane Lina Lino Lionel Loane Loïc Loïs Lorène Lorenzo Louane Louis Louise Loup
Luc Luca Lucas Lucette Lucie Lucien Lucienne Lucile Ludivine Ludovic Lydie Lyna Madeleine Maël Maëlle Maëlys Maëva
Malik Malika Manon Marc Marcel Marceline Marcelle Margaux Margot Marguerite Maria Marianne Marie Marielle Marine
Marion Marius Marjorie Marlène Marthe Martial Martin Martine Maryse Mathéo Mathias Mathieu Mathilde Mathis Matthieu
Maud Maurice Maxence Maxime Mélanie Mélissa Mélodie Michel Michèle Micheline Mickaël Mohamed Mohammed Monique Morgane
Muriel Mylène Myriam Nadège Nadia Nadine Naël Narcisse Nathalie Nathan Nathanaël Nicolas Nicole Nina Noa Noah Noé
Noémie Noëlle Norbert Océane Octave Odette Odile Olivier Olivia Ophélie Oscar Pascale Patrice Patricia Patrick Paul
Paule Paulette Pauline Perrine Philippe Pierre Pierrette Quentin Rachel Rachid Raphaël Raphaëlle Raymond Raymonde Rémi
Rémy Renaud René Renée Roch Rodolphe Rodrigue Roger Roland Romain Romane Romuald Rosalie Rosine Roxane Ryan Sabine
Sabrina Sacha Salomé Samia Samir Samuel Sandra Sandrine Sarah Sara Sébastien Séverine Simone Solange Solène Sophie
Stanislas Stéphane Stéphanie Suzanne Suzette Sylvain Sylvaine Sylvie Tatiana Téo Théo Théophile Théodore Thérèse Thibault
Thibaut Thierry Thomas Timothée Tristan Ulysse Valentin Valentine Valérie Valéry Vanessa Véronique Victor Victoire
Vincent Violaine Virginie Viviane Vivien Xavier Yann Yannick Yasmine Yassine Yohann Youssef Yvan Yves Yvette Yvonne
Noël Zacharie Zoé Zoë Aude Auriane Axelle Bertrand Blandine Brune Brunehilde Candice Cassandre Cerise Charly Clarisse Clélia
Cléo Cunégonde Dany Désirée Dolorès Domitille Eden Edwige Éloane Élouan Elouan Émeric Eudoxie Eurydice Évariste Fantine
Faustine Fiona Flore Florine Gabrielle Gaïa Gérald Gervais Ghislaine Gonzague Gwendal Gwenn Hadrien Hélie Hermine
Hilaire Ilyes Ilyès Iris Isaure Isée Jacky Jordan Josselin Jules Kenza Lancelot Laurène Laurine Lazare Léane Léonore
Lilou Lison Loïs Lorraine Lou Louison Lubin Lucille Lyam Madeline Maïa Maïwenn Manel Marceau Margaux Marin Marlon Martial
Matéo Maxine Méline Mila Milo Mirabelle Nael Naïm Naïma Nassim Nolan Nolwenn Octavie Oriane Orlane Paloma Pénélope
Philomène Prosper Prune Rayan Rébecca Régine Régis Rolande Romy Rose-Marie Ruben Sacha Sasha Séraphin Séraphine Sixtine
Soline Soraya Stella Swann Sybille Sylvère Tanguy Thaïs Thiago Tiphaine Titouan Tom Tony Valentine Vianney Victorine
Wassim Wendy Wilfried William Yanis Ysaline Yolande Youna Yuna Zélie Zinédine Abdelaziz Abdelkrim Abdellah Abderrahmane
Ali Amadou Aminata Amel Anis Assia Ayoub Bilal Boubacar Djamel Driss Farid Farida Fatiha Fatoumata Habib Hassan Hocine
Houria Idriss Ilyas Ismaël Issa Jamal Jamila Kader Kamel Khadija Lamine Latifa Leïla Leila Lyes Mamadou Mehdi Meriem
Mohamed-Amine Mounir Moussa Mustapha Nabil Nadir Nordine Omar Ousmane Rachida Rania Redouane Riad Sami Samira Sofiane
Souad Sonia Souleymane Tarek Walid Yacine Yasmina Younes Zakaria Zineb Zohra Adrian Anaé Anouck Apolline Armance Aude
Baptistine Bérénice Cassandra Cyrielle Eglantine Églantine Elvire Enora Erell Gwladys Hortense Inaya Jeannette Joévin
Laure Laurence Laurent Léonce Lise Lisette Loane Ludmila Marie-Claude Marie-France Marie-Hélène Marie-Josée Marie-Laure
Marie-Noëlle Marie-Pierre Marie-Thérèse Mireille Nelly Ninon Odilon Olympe Ombeline Pacôme Perceval Pia Quitterie
Rosalind Roseline Sidonie Solenn Sylviane Tiffany Typhaine Urbain Vénus Vivienne Wandrille Yolaine Zéphyrin Amaël
Anne-Sophie Anne-Laure Anne-Marie Jean-Pierre Jean-Paul Jean-Marc Jean-Luc Jean-Claude Jean-François Jean-Louis
Jean-Michel Jean-Jacques Jean-Philippe Jean-Baptiste Jean-Charles Jean-Christophe Jean-Yves Jean-Marie Jean-Noël
Pierre-Yves Pierre-Alexandre Pierre-Louis Pierre-Antoine Marie-Christine Marie-Anne Marie-Odile Marie-Agnès Paul-Henri
Charles-Henri Louis-Marie François-Xavier Marc-Antoine Marc-André Jean-Guy Jean-Sébastien Marie-Ève Marie-Soleil
Anne-Claire Anne-Lise Claire-Marie Sophie-Anne Élisabeth-Marie Hugues-Marie Mathurin Gwenolé Corentine Brieuc Ronan
Loeiz Yannig Goulven Malo Maël Tugdual Yvon Yvonnick Tanguy Gildas Armel Hervé Ewen Erwin Riwal Morvan Katell Nolwen
Soizic Anaig Gwenola Rozenn Klervi Maiwenn Jordane Mattéo Marius Timéo Gabin Raphaëlle Lyna Jeanne Eden Ambroise Jules
Octave Léonie Apolline Céleste Capucine Héloïse Alma Anna Ava Mia Romy Louna Lya Mya Giulia Margot Lola Luna Victoria
Clara Rose Lucie Elise Nora Charlie Albane Cyprienne Josèphe Théa Thaïs Valentina Blanche
`;
