/** Operational checks: what each executor of a cluster can run (JDK, ND4J backend and natives, CPU, memory). */
package io.latentspark.ops;
