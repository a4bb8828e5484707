using System.CommandLine;
using AiTrading.Cli;

var root = new RootCommand("AiTrading: an AI-driven algorithmic trading platform on Orleans.");
foreach (var command in Commands.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
