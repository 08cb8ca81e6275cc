/**
 * The `Cookie` header value of a session holding `jwt`, as cookie-session writes it
 * for the services (named `session`, unsigned, base64 JSON of `{ jwt }`): the course's
 * `signin()` without going through auth. Sign the JWT with common's `signSessionJwt`.
 *
 * @example request(app).get('/api/orders').set('Cookie', sessionCookie(signSessionJwt(user, key, 900)))
 */
export function sessionCookie(jwt: string): string {
  return `session=${Buffer.from(JSON.stringify({ jwt })).toString('base64')}`;
}
