/**
 * `trustlens completion bash|zsh`: prints a shell completion script generated from the registered
 * commands (src/cli/completion.ts). Loads nothing but commander and the command definitions.
 */
import type { Command } from 'commander';
import { AppError } from '../../errors/index.ts';

const SHELLS = ['bash', 'zsh'] as const;

export function register(program: Command): void {
  program
    .command('completion')
    .argument('<shell>', `the shell: ${SHELLS.join(' or ')}`)
    .description('Print a shell completion script for bash or zsh (commands, options and their values).')
    .addHelpText(
      'after',
      `
Install (bash): trustlens completion bash > ~/.local/share/bash-completion/completions/trustlens
                (needs the bash-completion package; or add \`source <(trustlens completion bash)\` to ~/.bashrc)
Install (zsh):  add \`source <(trustlens completion zsh)\` to ~/.zshrc (after compinit),
                or trustlens completion zsh > "\${fpath[1]}/_trustlens" and start a new shell
Regenerate it after upgrading TrustLens: the script lists the commands of this version.`,
    )
    .action(async (shell: string) => {
      const which = shell.trim().toLowerCase();
      if (which !== 'bash' && which !== 'zsh') {
        throw new AppError(
          'INVALID_INPUT',
          `Unknown shell "${shell}": completion is generated for bash or zsh.`,
          {
            remediation: 'Run `trustlens completion bash` or `trustlens completion zsh`.',
          },
        );
      }
      const { bashCompletion, zshCompletion } = await import('../completion.ts');
      process.stdout.write(which === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
