/** Small shared helpers: Hadoop file system access from driver and executors, atomic output commits, JSON. */
package io.latentspark.util;
