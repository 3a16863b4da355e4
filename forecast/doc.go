// Package forecast says where a bargaining is likely to land: spatial models
// of politics run on actors who hold a position on each dimension (0..100,
// or another scale such as years), a power (capability) and a salience per
// dimension.
//
// Three models are here, each a pure function of an Input:
//
//   - the compromise model (the capability × salience weighted mean) and the
//     weighted median (Compromise);
//   - the expected-utility model of Bueno de Mesquita as Scholz, Calbert and
//     Smith (2011) write it out, with its votes, probabilities of success,
//     expected utilities, risk exponents and offers inspectable round by
//     round (EU);
//   - KTAB's spatial model of politics, SMP: probabilistic Condorcet
//     elections and bargains between actors, with KTAB's default parameters
//     (SMP).
//
// Inputs come from a CSV in KTAB's layout (ReadCSV) or from an accord
// scenario (FromScenario). Every model returns a Forecast: the positions of
// every actor in every state, from the input onwards, with the weighted
// median and mean of each state. docs/forecast.md explains the models, the
// decisions taken where the published descriptions are ambiguous, and the
// comparisons with published figures.
package forecast
