/** One value of each shape the secret scanner (../secret-scanner.ts) knows, one kind each: for its tests and for the tests of what relies on it. */
// Test values are assembled at run time so this file does not itself look like it holds credentials.
const join = (...parts: string[]) => parts.join('');
export const SAMPLES = {
  aws_access_key_id: join('AKIA', 'IOSFODNN7', 'EXAMPLE'),
  github_token: join('ghp_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'),
  slack_token: join('xoxb-', '123456789012-abcdefABCDEF'),
  jwt: join(
    'eyJhbGciOiJIUzI1NiJ9',
    '.',
    'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
    '.',
    'dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  ),
  openai_style_key: join('sk-', 'proj-Ab12Cd34Ef56Gh78Ij90Kl'),
  google_api_key: join('AIza', 'SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'),
  mistral_style_key: join('aB3dE5gH7jK9mN1p', 'Q2sT4vW6xY8zA0bC'),
  trustlens_token: join('tlk_', 'Qm9vYmFy-YmF6cXV4_cXV1eHl6enk0Mj'),
};
