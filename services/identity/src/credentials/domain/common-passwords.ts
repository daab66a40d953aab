// A short list of the passwords attackers try first (breach corpora, keyboard walks, Turkish
// favourites). It is not a breach database: it stops the guesses an online attacker makes before
// the lockout bites. Entries are compared after lower-casing and stripping digits and symbols
// from both ends, so "Password123!" and "1qwerty" match too.
export const commonPasswords: ReadonlySet<string> = new Set([
  'password', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'passwort', 'parola', 'sifre', 'şifre', 'sifreniz', 'parolam',
  'qwerty', 'qwertyuiop', 'qwertyuiopasdf', 'asdfghjkl', 'asdfgh', 'zxcvbnm', 'qazwsx', 'qazwsxedc', '1q2w3e4r', '1q2w3e4r5t',
  'letmein', 'welcome', 'welcome1', 'iloveyou', 'admin', 'administrator', 'root', 'toor', 'changeme', 'default',
  'monkey', 'dragon', 'master', 'sunshine', 'princess', 'football', 'baseball', 'superman', 'batman', 'trustno1',
  'shadow', 'michael', 'jennifer', 'starwars', 'whatever', 'freedom', 'secret', 'hello', 'hellohello', 'loveyou',
  'galatasaray', 'fenerbahce', 'besiktas', 'trabzonspor', 'istanbul', 'ankara', 'izmir', 'turkiye', 'türkiye', 'turkey',
  'askim', 'aşkım', 'canim', 'canım', 'bitanem', 'sevgilim', 'hayatim', 'kalbim', 'mustafa', 'mehmet',
  'bitcoin', 'ethereum', 'crypto', 'blockchain', 'satoshi', 'hodl', 'tothemoon', 'lambo', 'parite', 'exchange',
  'bank', 'banka', 'banking', 'money', 'dolar', 'dollar', 'euro', 'finance', 'account', 'login',
  'abcdef', 'abcdefgh', 'abcdefghijkl', 'abc', 'aaaaaa', 'qwerty123', 'password1', 'mypassword', 'newpassword', 'mysecret',
  'correcthorsebatterystaple', 'internet', 'computer', 'pokemon', 'charlie', 'jordan', 'harley', 'ranger', 'thomas', 'soccer',
]);

/** Passwords made of one digit run are caught by the policy's distinct-character rule; these catch the rest. */
export const commonPasswordDigitRuns: readonly string[] = ['123456789012', '1234567890', '0987654321', '123123123123', '112233445566'];
