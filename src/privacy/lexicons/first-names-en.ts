/**
 * Common English first names (US, UK, Ireland, Canada, Australia; all generations, and names
 * common in those countries whatever their origin), written from general knowledge for the
 * PERSON detector. Data only: one name per word.
 */
export const FIRST_NAMES_EN = `
Aaron Abby Abigail Abraham Ada Adam Addison Adrian Adriana Agnes Aidan Aiden Aileen Alan Alana Albert Alberta Alec
Alejandro Alex Alexa Alexander Alexandra Alexis Alfie Alfred Ali Alice Alicia Alison Allan Allen Allison Alma Alvin
Amanda Amber Amelia Amy Ana Andre Andrea Andrew Andy Angela Angelica Angie Anita Ann Anna Annabel Anne Annie Anthony
Antonio Archie Arianna Arnold Arthur Ashley Ashton Aubrey Audrey Austin Autumn Ava Avery Barbara Barry Beatrice Becky
Belinda Ben Benjamin Bernard Bernice Bert Beth Bethany Betty Beverly Bianca Billy Blake Bob Bobby Bonnie Brad Bradley
Brandon Brenda Brendan Brent Brett Brian Briana Bridget Britney Brittany Brooke Bruce Bryan Bryce Caleb Callum Calvin
Cameron Camila Candace Cara Carl Carla Carlos Carly Carmen Carol Caroline Carolyn Carrie Carter Casey Cassandra
Catherine Cathy Cecilia Cedric Chad Charlene Charles Charlie Charlotte Chelsea Cheryl Chester Chloe Chris Christian
Christina Christine Christopher Christy Cindy Claire Clara Clarence Claude Claudia Clayton Clifford Clint Clinton
Cody Colby Cole Colin Colleen Connie Connor Conor Constance Corey Cory Courtney Craig Cristina Crystal Curtis Cynthia
Daisy Dale Dallas Damian Dan Dana Daniel Danielle Danny Darlene Darren Darryl Daryl Dave David Dawn Dean Deanna Debbie
Deborah Debra Declan Dennis Derek Desmond Devin Diana Diane Dianne Dolores Dominic Don Donald Donna Doreen Doris
Dorothy Doug Douglas Duncan Dustin Dwayne Dwight Dylan Eddie Edgar Edith Edmund Edna Eduardo Edward Edwin Eileen Elaine
Eleanor Elena Eli Elias Elijah Elisa Elizabeth Ella Ellen Ellie Elliot Elliott Eloise Elsie Emily Emma Emmett Eric
Erica Erik Erin Ernest Esther Ethan Eugene Eva Evan Evelyn Everett Faith Felicity Felix Fiona Florence Floyd Frances
Francesca Francis Frank Frankie Franklin Fred Freddie Frederick Freya Gabriel Gabriella Gail Gareth Garrett Gary Gavin
Gemma Gene Geoffrey George Georgia Gerald Geraldine Gina Gladys Glen Glenn Gloria Gordon Grace Graham Grant Greg
Gregory Gwen Hailey Haley Hannah Harold Harper Harriet Harrison Harry Harvey Hayden Hazel Heather Hector Heidi Helen
Henry Herbert Holly Howard Hugh Hunter Ian Imogen Irene Iris Isaac Isabel Isabella Isabelle Isaiah Isla Ivan Jack
Jackie Jackson Jacob Jacqueline Jade Jaime Jake James Jamie Jan Jane Janet Janice Jared Jasmine Jason Jasper Jay
Jayden Jean Jeanette Jeff Jeffrey Jenna Jennifer Jenny Jeremiah Jeremy Jerome Jerry Jesse Jessica Jessie Jill Jim
Jimmy Jo Joan Joann Joanna Joanne Jocelyn Jodie Joe Joel Joey John Johnny Jon Jonah Jonathan Jordan Jose Joseph
Josephine Josh Joshua Joy Joyce Juan Judith Judy Julia Julian Julie Juliet Justin Kaitlyn Karen Kari Karl Kate
Katelyn Katherine Kathleen Kathryn Kathy Katie Katrina Kay Kayla Keith Kelly Kelsey Ken Kendra Kenneth Kenny Kerry
Kevin Kim Kimberly Kirsten Kristen Kristin Kyle Kylie Lacey Lana Lance Larry Laura Lauren Laurie Layla Leah Lee Leila
Leo Leon Leonard Leroy Leslie Lewis Liam Lillian Lily Linda Lindsay Lindsey Lisa Logan Lois Lola Lorraine Louis Louise
Lucas Lucy Luis Luke Lydia Lynn Mabel Mackenzie Madeline Madison Maggie Malcolm Mandy Marcus Margaret Maria Marian
Marie Marilyn Mario Marion Marjorie Mark Marsha Martha Martin Marvin Mary Mason Matilda Matt Matthew Maureen Maurice
Max Maxine Maya Megan Melanie Melissa Melvin Meredith Mia Michael Michele Michelle Miguel Mike Mildred Miles Millie
Milo Mindy Miranda Miriam Mitchell Molly Monica Morgan Muriel Myra Nancy Naomi Natalie Natasha Nathan Nathaniel Neil
Nellie Nicholas Nick Nicola Nicole Nigel Nina Noah Noel Nora Norma Norman Oliver Olivia Omar Oscar Owen Paige Pamela
Patricia Patrick Patsy Paul Paula Pauline Pearl Peggy Penelope Penny Percy Peter Phil Philip Phillip Phoebe Phyllis
Piper Polly Priscilla Quinn Rachel Ralph Randall Randy Ray Raymond Rebecca Regina Reginald Renee Rhonda Ricardo
Richard Rick Ricky Riley Rita Rob Robert Roberta Robin Rodney Roger Roland Ronald Ronnie Rory Rosa Rosalind Rose
Rosemary Ross Roxanne Roy Ruby Russell Ruth Ryan Sabrina Sadie Sally Samantha Samuel Sandra Sandy Sara Sarah Savannah
Scarlett Scott Sean Sebastian Seth Shane Shannon Sharon Shaun Shawn Sheila Shelby Shelley Sheryl Shirley Sidney Simon
Sofia Sophia Sophie Spencer Stacey Stacy Stanley Stella Stephanie Stephen Steve Steven Stuart Sue Summer Susan Suzanne
Sydney Sylvia Tamara Tammy Tanya Tara Ted Teresa Terrence Terri Terry Thelma Theo Theodore Theresa Thomas Tiffany Tim
Timothy Tina Toby Todd Tom Tommy Toni Tony Tracey Tracy Travis Trevor Tristan Troy Tyler Valerie Vanessa Vera Vernon
Veronica Vicky Victor Victoria Vincent Viola Violet Virginia Vivian Wade Walter Wanda Warren Wayne Wendy Wesley
Whitney Wilbur Will William Willie Willow Wilma Winston Wyatt Yvonne Zach Zachary Zoe Zoey Abdul Ahmad Aisha Akash
Amit Anil Anjali Arjun Ashok Deepak Divya Fatima Hassan Hussein Imran Jamal Kareem Khalid Krishna Lakshmi Mohammed
Muhammad Nadia Neha Omar Pooja Priya Rahul Raj Rajesh Ravi Rohan Sanjay Sunil Tariq Vikram Wei Jing Li Ming Xin Yan
Hiroshi Kenji Yuki Haruto Sakura Min-jun Ji-woo Seo-yeon Jae Hyun Nguyen Minh Linh Thanh Kwame Kofi Ama Chidi Ngozi
Oluwaseun Tunde Emeka Amara Zainab Ibrahim Yusuf Maryam Mateo Santiago Sofia Valentina Diego Gabriela Alejandra
Javier Carmen Lucia Pablo Fernando Rafael Raquel Sergio Luca Giulia Marco Alessandro Francesca Giovanni Matteo Sven
Lars Ingrid Astrid Nils Erik Hans Klaus Jurgen Dieter Heinz Anke Katja Stefan Andreas Tobias Magdalena Agnieszka
Piotr Krzysztof Tomasz Katarzyna Aleksandra Dmitri Sergei Olga Irina Natalia Svetlana Vladimir Yuri Aoife Siobhan
Niamh Saoirse Ciaran Cormac Eoin Padraig Seamus Sinead Orla Roisin Caoimhe Oisin Fergus Hamish Alasdair Morag Isla
Euan Rhys Dylan Gethin Cerys Sian Bronwen Ffion Dafydd Iwan Harvey Reggie Ronnie Stanley Teddy Tommy Arlo Ezra Finn
Jude Rowan Elsie Florence Ivy Poppy Maisie Evie Esme Darcy Bethan Kirsty Lindsey Ainsley Benedict Bartholomew
Cornelius Ignatius Percival Reginald Rupert Tarquin Crispin Hugo Jasper Felicity Henrietta Imogen Araminta Cressida
Priscilla Prudence Temperance Wilhelmina Beatrix Clementine Delilah Genevieve Harriet Lavinia Marigold Octavia
Rosalie Seraphina Tabitha Verity Winifred Aubrey Brooklyn Cheyenne Destiny Jasmine Kennedy Mackenzie Makayla Nevaeh
Peyton Reagan Skylar Trinity Aaliyah Brianna Gianna Jocelyn Kaylee Leilani Lila Luna Mila Nova Paisley Serenity
Brayden Bentley Colton Easton Greyson Hudson Jaxon Kayden Landon Lincoln Maverick Nolan Parker Ryder Sawyer Weston
Manuel José Jose Carlos Antonio Francisco Miguel Pedro João Joao Luis Jorge Fernando Alejandro Javier Ricardo Mario
Giuseppe Salvatore Paolo Roberto Enrique Andrés Raúl Rodrigo Ramón Alfonso Ignacio Joaquín Álvaro Gonzalo Rubén Pilar
Dolores Mercedes Rocío Concepción Inmaculada Montserrat Nuria Beatriz Lorena Marta Elena Paula Cristina Teresa Ana
Francesco Gianluca Stefano Massimo Claudio Fabio Davide Simone Chiara Federica Valeria Silvia Elisa Martina Giorgia
DeShawn Darnell Jamal Jerome Keisha Lakisha Latoya Malik Marquis Shanice Tyrone Tamika Denzel Andre Terrell Dante
`;
