// Server-rendered pages of the sign-in flow: plain HTML forms, no script and no inline style, so
// the Content-Security-Policy can forbid both. Every interpolated value goes through escapeHtml.

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

export function notice(message: string | undefined): string {
  return message === undefined ? '' : `<p role="alert">${escapeHtml(message)}</p>\n`;
}

export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}

export interface LoginPageInput {
  readonly action: string;
  readonly csrfToken: string;
  readonly clientName: string;
  readonly email?: string;
  readonly message?: string;
  /** Links to the account pages (registration, forgotten password), when the platform serves them. */
  readonly links?: AccountPageLinks;
}

export interface AccountPageLinks {
  readonly register: string;
  readonly forgotPassword: string;
}

function accountLinks(links: AccountPageLinks | undefined): string {
  if (links === undefined) return '';
  return `\n<p><a href="${escapeHtml(links.forgotPassword)}">Forgot your password?</a></p>
<p><a href="${escapeHtml(links.register)}">Open an account</a></p>`;
}

export function loginPage(input: LoginPageInput): string {
  return layout('Sign in', `<p>Sign in to continue to ${escapeHtml(input.clientName)}.</p>
${notice(input.message)}<form method="post" action="${escapeHtml(input.action)}" autocomplete="on">
${hidden('csrf', input.csrfToken)}
<label>E-mail <input type="email" name="email" required maxlength="254" autocomplete="username" value="${escapeHtml(input.email ?? '')}"></label>
<label>Password <input type="password" name="password" required maxlength="1024" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>
<form method="post" action="${escapeHtml(input.action.replace(/\/login$/, '/abort'))}">
${hidden('csrf', input.csrfToken)}
<button type="submit">Cancel</button>
</form>${accountLinks(input.links)}`);
}

export interface SecondFactorPageInput {
  readonly action: string;
  readonly csrfToken: string;
  readonly challengeId: string;
  readonly challengeTag: string;
  readonly message?: string;
}

export function secondFactorPage(input: SecondFactorPageInput): string {
  return layout('Two-step verification', `<p>Enter the code from your authenticator app.</p>
${notice(input.message)}<form method="post" action="${escapeHtml(input.action)}" autocomplete="off">
${hidden('csrf', input.csrfToken)}
${hidden('challenge', input.challengeId)}
${hidden('challengeTag', input.challengeTag)}
<label>Code <input type="text" name="code" required inputmode="numeric" maxlength="64" autocomplete="one-time-code"></label>
<button type="submit">Verify</button>
</form>`);
}

export interface ConsentPageInput {
  readonly action: string;
  readonly abortAction: string;
  readonly csrfToken: string;
  readonly clientName: string;
  readonly scopes: readonly string[];
}

export function consentPage(input: ConsentPageInput): string {
  const items = input.scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('\n');
  return layout('Authorise access', `<p>${escapeHtml(input.clientName)} asks for access to your account:</p>
<ul>
${items}
</ul>
<form method="post" action="${escapeHtml(input.action)}">
${hidden('csrf', input.csrfToken)}
<button type="submit">Allow</button>
</form>
<form method="post" action="${escapeHtml(input.abortAction)}">
${hidden('csrf', input.csrfToken)}
<button type="submit">Deny</button>
</form>`);
}

export function messagePage(title: string, message: string): string {
  return layout(title, `<p>${escapeHtml(message)}</p>`);
}

/** The provider's error page: only the OAuth error code and its description, never a stack. */
export function errorPage(error: string, description: string | undefined): string {
  return layout('Sign-in failed', `<p>${escapeHtml(error)}</p>${description === undefined ? '' : `\n<p>${escapeHtml(description)}</p>`}`);
}

/** `form` is oidc-provider's own logout form (with its xsrf field); the buttons submit it. */
export function logoutPage(form: string): string {
  return layout('Sign out', `${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button>`);
}

export function logoutSuccessPage(): string {
  return layout('Signed out', '<p>You are signed out.</p>');
}
