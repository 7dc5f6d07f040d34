package synth

// Names in common German transliteration, per origin. They exist only so that the
// exports carry realistic personal data for the pipeline to protect: umlauts and
// apostrophes exercise the encodings, and the odd ';' or '"' exercises the quoting.
// Every name is representable in Windows-1252 and ISO-8859-1.

type namePool struct{ male, female, family []string }

var arabicNames = namePool{
	male:   []string{"Mohammed", "Ahmad", "Mahmoud", "Khaled", "Omar", "Hussein", "Ali", "Yousef", "Ibrahim", "Mustafa", "Abdullah", "Hassan", "Bilal", "Ma'mun", "Tareq", "Rami", "Wassim", "Nour", "Ammar", "Firas"},
	female: []string{"Fatima", "Aya", "Rasha", "Hiba", "Amal", "Nour", "Lina", "Rania", "Yasmin", "Hanan", "Dima", "Shahd", "Rim", "Ola", "Sara", "Maryam", "Zeinab", "Bushra", "Ruba", "Asma'"},
	family: []string{"Al-Hassan", "Al-Ahmad", "Haddad", "Khalil", "Darwisch", "Al-Khatib", "Hamdan", "Mansour", "Al-Ali", "Issa", "Saleh", "Nasser", "Al-Masri", "Ibrahim", "Ma'arouf", "Abd al-Rahman", "Al-Hussein", "Othman", "Qassem", "Jabr"},
}

var persianNames = namePool{
	male:   []string{"Mohammad", "Ahmad", "Ali", "Reza", "Hamid", "Farid", "Jawad", "Mahdi", "Nasir", "Sohrab", "Karim", "Rahim", "Hamza", "Bahram", "Mortaza"},
	female: []string{"Zahra", "Maryam", "Fatemeh", "Parwin", "Shirin", "Soraya", "Nargis", "Mina", "Laleh", "Roya", "Sima", "Tahmina", "Farzaneh"},
	family: []string{"Ahmadi", "Rahimi", "Hosseini", "Mohammadi", "Karimi", "Rezai", "Sultani", "Haidari", "Nazari", "Jafari", "Sadat", "Azizi", "Yousufzai", "Amiri", "Popal"},
}

var eritreanNames = namePool{
	male:   []string{"Tesfay", "Yonas", "Filmon", "Dawit", "Michael", "Samuel", "Habtom", "Robel", "Mehari", "Kidane"},
	female: []string{"Senait", "Helen", "Luwam", "Selam", "Yordanos", "Feven", "Rahel", "Saba", "Winta", "Mebrat"},
	family: []string{"Tesfamariam", "Ghebremedhin", "Habte", "Kidane", "Berhane", "Tekle", "Woldu", "Haile", "Asmerom", "Ghebreyesus"},
}

var westAfricanNames = namePool{
	male:   []string{"Chinedu", "Emeka", "Oluwaseun", "Ibrahim", "Musa", "Abdullahi", "Tunde", "Ifeanyi"},
	female: []string{"Ngozi", "Chioma", "Aisha", "Blessing", "Funmilayo", "Amina", "Adaeze", "Folake"},
	family: []string{"Okafor", "Adeyemi", "Eze", "Okonkwo", "Bello", "Abubakar", "Nwosu", "Oyelaran"},
}

var somaliNames = namePool{
	male:   []string{"Abdirahman", "Mohamed", "Abdi", "Hassan", "Farah", "Yusuf", "Ahmed"},
	female: []string{"Hodan", "Fartun", "Ayan", "Hawa", "Sahra", "Ubah", "Khadra"},
	family: []string{"Warsame", "Farah", "Abdi", "Hussein", "Jama", "Osman", "Nur"},
}

var ukrainianNames = namePool{
	male:   []string{"Olexandr", "Serhij", "Andrij", "Dmytro", "Jurij", "Wolodymyr", "Mykola", "Oleh", "Bohdan", "Taras"},
	female: []string{"Olena", "Natalija", "Iryna", "Tetjana", "Oxana", "Switlana", "Julija", "Kateryna", "Hanna", "Marija"},
	family: []string{"Schewtschenko", "Kowalenko", "Bondarenko", "Tkatschenko", "Kraweztschuk", "Melnyk", "Ossadtschyj", "Lyssenko", "Schapowal", "Hrytsenko"},
}

var turkishNames = namePool{
	male:   []string{"Mehmet", "Ahmet", "Mustafa", "Hüseyin", "Ömer", "Emre", "Serkan", "Baran", "Rojhat", "Çetin"},
	female: []string{"Ayse", "Zeynep", "Elif", "Gül", "Özlem", "Hatice", "Rojda", "Berfin", "Dilan", "Sevgül"},
	family: []string{"Öztürk", "Yilmaz", "Çelik", "Kaya", "Demir", "Dogan", "Aydin", "Günes", "Kiliç", "Özdemir"},
}

var otherNames = namePool{
	male:   []string{"Giorgi", "Levan", "Artur", "David", "Aram", "Ruslan", "Ilja", "Adnan"},
	female: []string{"Nino", "Tamar", "Anna", "Lusine", "Elena", "Marina", "Ani", "Zarina"},
	family: []string{"Beridze", "Kapanadze", "Hovhannisjan", "Petrosjan", "Iwanow", "Kusnezowa", "Gelaschwili", "Mamedow"},
}

func namesFor(nat string) *namePool {
	switch nat {
	case "SYR", "IRQ":
		return &arabicNames
	case "AFG", "IRN", "PAK":
		return &persianNames
	case "ERI":
		return &eritreanNames
	case "NGA":
		return &westAfricanNames
	case "SOM":
		return &somaliNames
	case "UKR":
		return &ukrainianNames
	case "TUR":
		return &turkishNames
	}
	return &otherNames
}

// personName draws a family and a given name; a few carry a ';' or '"' as a data-entry
// artefact ("Al-Khatib; geb. Haddad", `Mohammed "Abu Ali"`).
func personName(r *stream, nat string, female bool) (family, given string) {
	p := namesFor(nat)
	family = p.family[r.intn(len(p.family))]
	if female {
		given = p.female[r.intn(len(p.female))]
	} else {
		given = p.male[r.intn(len(p.male))]
	}
	switch x := r.intn(2000); {
	case x < 2:
		family += "; geb. " + p.family[r.intn(len(p.family))]
	case x < 4:
		given += ` "` + p.male[r.intn(len(p.male))] + `"`
	case x < 6:
		given = " " + given // a leading blank, as typed
	case x < 40:
		given += " " + p.male[r.intn(len(p.male))]
	}
	return family, given
}
