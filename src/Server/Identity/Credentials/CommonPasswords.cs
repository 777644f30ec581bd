namespace Atom.Server.Identity.Credentials;

/// <summary>
/// A small deny list of passwords that are long enough for <see cref="PasswordPolicy"/> but among the first an
/// attacker tries: keyboard walks, repeated words, years and seasons, famous phrases, product names. Written for
/// Atom; compared after NFKC normalisation and lower-casing.
/// </summary>
internal static class CommonPasswords
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "000000000000", "010101010101", "0987654321qw", "111111111111", "111222333444", "112233445566", "121212121212",
        "123123123123", "123456123456", "123456654321", "123456789012", "1234567890123", "12345678901234",
        "1234567890qw", "123456789abc", "123456789asd", "123456789qwe", "123456qwerty", "12345qwert12", "1234abcd1234",
        "1234qwerasdf", "123qweasdzxc", "147258369147", "159357159357", "159753159753", "1q2w3e4r5t6y",
        "1q2w3e4r5t6y7u8i", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "222222222222", "333333333333", "444444444444",
        "555555555555", "666666666666", "741852963741", "777777777777", "888888888888", "963852741963", "987654321098",
        "987654321987", "999999999999", "a1b2c3d4e5f6", "aaaaaaaaaaaa", "abc123abc123", "abcd12345678", "abcd1234abcd",
        "abcdef123456", "abcdefghijkl", "abcdefghijklm", "abcdefghijklmnop", "access123456", "accessgranted",
        "admin1234567", "adminadmin123", "administrator", "administrator1", "adminpassword", "amazon123456",
        "android12345", "arsenal12345", "asdasdasdasd", "asdfasdfasdf", "asdfghjkl123", "asdfghjkl1234",
        "asdfghjklqwerty", "asdfghzxcvbn", "atom12345678", "atomatomatom", "atompassword", "autumn2025!!",
        "autumnleaves", "babyboy12345", "babygirl1234", "barcelona123", "baseball1234", "basketball12", "basketball123",
        "batman123456", "beatles12345", "beautifullife", "blink1821234", "blueberry123", "bugsbunny123", "business1234",
        "butterfly123", "butterfly1234", "california12", "carpediem123", "changeit1234", "changeme1234",
        "changeme12345", "changemenow1", "charlie12345", "chatpassword", "cheesecake12", "chelsea12345", "chocolate123",
        "company12345", "companyname1", "computer1234", "computer12345", "correcthorse123", "correcthorsebatterystaple",
        "cristianoronaldo", "cutiepie1234", "database1234", "debian123456", "developer123", "doctorwho123",
        "donaldduck12", "donotforget1", "dontforgetme", "dragonball12", "dragonballz1", "dragondragon", "elephant1234",
        "eminem123456", "facebook1234", "fireworks123", "football1234", "football12345", "forgetmenot1", "fortnite1234",
        "friendship12", "gameofthrones", "godisgood123", "goodmorning1", "goodmorning12", "goodnight123",
        "google123456", "hacker123456", "happiness123", "happybirthday", "harrypotter1", "harrypotter12",
        "hellohello123", "hellokitty12", "helloworld123", "helloworld1234", "hockey123456", "honeybunny12",
        "ilovejesus123", "ilovemycat123", "ilovemydog123", "ilovemyfamily", "ilovemymom", "iloveyou1234",
        "iloveyou123456", "iloveyoubaby", "iloveyouforever", "iloveyouiloveyou", "instagram123", "internet1234",
        "iphone123456", "ironman12345", "january2025!", "jennifer1234", "jesuschrist1", "jesuslovesme", "jordan231234",
        "justdoit1234", "juventus1234", "keepitsimple", "killerkiller", "kobebryant24", "lebronjames23", "ledzeppelin1",
        "letmein12345", "letmein123456", "letmeinletmein", "linkedin1234", "linux1234567", "lionelmessi10",
        "liverpool123", "lkjhgfdsa123", "lordoftherings", "lovelovelove", "loveyouforever", "manchesterunited",
        "master123456", "masterpassword", "metallica123", "michael12345", "michaeljordan", "mickeymouse1",
        "mickeymouse12", "microsoft123", "minecraft123", "minecraft1234", "mnbvcxzlkjhg", "monkey123456",
        "monkeymonkey", "mypassword123", "mypassword1234", "mysecret1234", "mysecretpassword", "netflix12345",
        "nevergiveup1", "nevergiveup123", "newyork12345", "ninjaninja12", "nirvana12345", "nothing12345",
        "office123456", "opensesame123", "openupopenup", "p4ssw0rd1234", "p@ssw0rd1234", "p@ssword1234", "pa$$word1234",
        "pa55word1234", "passport1234", "passw0rd!234", "passw0rd1234", "password!234", "password123!", "password1234",
        "password12345", "password123456", "password1password", "password2023", "password2024", "password2025",
        "password2025!", "password2026", "passwordpassword", "pepperoni123", "pineapple123", "pinkfloyd123",
        "poiuytrewq12", "pokemon12345", "postgres1234", "princess1234", "princess12345", "programmer12", "q1w2e3r4t5y6",
        "q1w2e3r4t5y6u7i8", "qazwsxedc123", "qazwsxedcrfv", "qwe123qwe123", "qwer1234asdf", "qwerty123456",
        "qwerty1234567", "qwerty123qwe", "qwerty2025!!", "qwertyasdfgh", "qwertyqwerty", "qwertyuiop12",
        "qwertyuiop123", "qwertyuiop1234", "qwertyuiopasdf", "qwertyuiopasdfgh", "qwertyuiopasdfghjkl", "rainbow12345",
        "realmadrid12", "rememberme12", "root12345678", "rootpassword", "samsung12345", "sandiego1234", "scoobydoo123",
        "secretpassword", "sexysexy1234", "shadow123456", "slackpassword", "snoopydog123", "soccerball12",
        "software1234", "spiderman123", "spotify12345", "spring2025!!", "springtime12", "starwars1234", "starwars12345",
        "strawberry12", "summer2023!!", "summer2024!!", "summer2025!!", "summertime12", "sunshine1234", "sunshine12345",
        "superman1234", "supersecret1", "supersecret123", "superuser123", "sweetheart12", "teamchat1234",
        "thequickbrownfox", "thequickbrownfoxjumps", "thisismypassword", "tigerwoods12", "topsecret123",
        "trustno1trustno1", "twitter12345", "ubuntu123456", "unlockme1234", "welcome12345", "welcome123456",
        "welcome2024!", "welcome2025!", "welcomehome1", "welcometoatom", "welcomewelcome", "whatever1234",
        "windows12345", "winniethepooh", "winter2024!!", "wintertime12", "workpassword", "youonlyliveonce",
        "zaq12wsxcde3", "zaq1zaq1zaq1", "zxcvbnm12345", "zxcvbnm123456", "zzzzzzzzzzzz",
    };

    /// <summary>Gets the number of entries.</summary>
    public static int Count => Words.Count;

    /// <summary>Whether a lower-cased, normalised password is on the list.</summary>
    public static bool Contains(string folded) => Words.Contains(folded);
}
