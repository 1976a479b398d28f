#pragma once
// One entry point per `flotilla` subcommand; each lives in its own file in src/cli/.
// argv[0] is the subcommand name; each command parses its own flags and returns the process exit code.

namespace flotilla::cli {

int runOperator(int argc, char** argv);
int runGateway(int argc, char** argv);
int runRender(int argc, char** argv);
int runApiServer(int argc, char** argv);
int runEcho(int argc, char** argv);
int runVersion(int argc, char** argv);
// Invoked as `kubectl-flotilla` (a kubectl plugin): argv[0] is the plugin, argv[1] its command.
int runKubectlPlugin(int argc, char** argv);

}  // namespace flotilla::cli
