/** The {@code latentspark} command line: argument parsing and one library call per subcommand. */
package io.latentspark.jobs;
